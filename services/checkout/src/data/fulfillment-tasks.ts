import type { PrismaClient } from '@shop/contracts/database';
import type { AttemptRecord, TaskState } from '../domain/task-status';

/** What the outcome projector needs of the task tables; unit tests give it one in memory. */
export interface FulfillmentTasks {
  read(orderId: string, task: string): Promise<TaskState | undefined>;
  recordAttemptAndRead(orderId: string, task: string, record: AttemptRecord): Promise<TaskState | undefined>;
  replace(orderId: string, task: string, seen: TaskState, next: TaskState): Promise<boolean>;
}

/** The task tables in Postgres, through the functions below. */
export function fulfillmentTasksIn(prisma: PrismaClient): FulfillmentTasks {
  return {
    read: (orderId, task) => readTask(prisma, orderId, task),
    recordAttemptAndRead: (orderId, task, record) => recordAttemptAndReadTask(prisma, orderId, task, record),
    replace: (orderId, task, seen, next) => replaceTask(prisma, orderId, task, seen, next),
  };
}

/** A task's state as it is stored, or undefined for a task of an order this checkout does not know. */
export async function readTask(
  prisma: PrismaClient,
  orderId: string,
  task: string,
): Promise<TaskState | undefined> {
  const rows = await prisma.$queryRaw<TaskState[]>`
    SELECT status::text AS status, attempts, last_error AS "lastError", url
    FROM checkout.fulfillment_tasks
    WHERE order_id = ${orderId}::uuid AND task = ${task}`;
  return rows[0];
}

/**
 * Writes one attempt into the task's timeline and reads the task's state, in
 * one round trip (the task's read is what the projection does next anyway).
 * The attempt is an upsert keyed by its number: an outcome that arrives
 * again changes nothing, and of two outcomes of one attempt the later stage
 * wins (the enum is declared in that order), or between two of one kind the
 * one that finished first (see AttemptRecord). Nothing is written for a task
 * this checkout does not know, and the task is then undefined.
 */
export async function recordAttemptAndReadTask(
  prisma: PrismaClient,
  orderId: string,
  task: string,
  record: AttemptRecord,
): Promise<TaskState | undefined> {
  const result = record.result === null ? null : JSON.stringify(record.result);
  // The SELECT sees fulfillment_tasks as it was before the statement; the
  // insert writes only task_attempts, so nothing it reads is changed by it.
  const rows = await prisma.$queryRaw<TaskState[]>`
    WITH recorded AS (
      INSERT INTO checkout.task_attempts AS entry
        (order_id, task, attempt, outcome, error, result, started_at, finished_at)
      SELECT order_id, task, ${record.attempt}, ${record.outcome}::checkout.task_attempt_outcome,
             ${record.error}, ${result}::jsonb, ${record.startedAt}, ${record.finishedAt}
      FROM checkout.fulfillment_tasks
      WHERE order_id = ${orderId}::uuid AND task = ${task}
      ON CONFLICT (order_id, task, attempt) DO UPDATE
        SET outcome = excluded.outcome, error = excluded.error, result = excluded.result,
            started_at = excluded.started_at, finished_at = excluded.finished_at
        WHERE excluded.outcome > entry.outcome
           OR (excluded.outcome = entry.outcome AND excluded.finished_at < entry.finished_at)
    )
    SELECT status::text AS status, attempts, last_error AS "lastError", url
    FROM checkout.fulfillment_tasks
    WHERE order_id = ${orderId}::uuid AND task = ${task}`;
  return rows[0];
}

/**
 * Writes `next` only if the task is still as `seen` (compare and set), so
 * two outcomes for the same task applied side by side cannot overwrite each
 * other: the one that loses reads again and folds itself into the winner's
 * state. False when it lost.
 */
export async function replaceTask(
  prisma: PrismaClient,
  orderId: string,
  task: string,
  seen: TaskState,
  next: TaskState,
): Promise<boolean> {
  const updated = await prisma.$executeRaw`
    UPDATE checkout.fulfillment_tasks
    SET status = ${next.status}::checkout.fulfillment_task_status, attempts = ${next.attempts},
        last_error = ${next.lastError}, url = ${next.url}, updated_at = now()
    WHERE order_id = ${orderId}::uuid AND task = ${task}
      AND status = ${seen.status}::checkout.fulfillment_task_status AND attempts = ${seen.attempts}
      AND last_error IS NOT DISTINCT FROM ${seen.lastError} AND url IS NOT DISTINCT FROM ${seen.url}`;
  return updated === 1;
}
