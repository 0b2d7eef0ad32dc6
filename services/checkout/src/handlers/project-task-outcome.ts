import type { EventEnvelope, HandlerContext, ReadOutcome, Registry } from '@shared/messaging';
import type { FulfillmentTasks } from '../data/fulfillment-tasks';
import { type AttemptRecord, applyOutcome, type TaskOutcome } from '../domain/task-status';

/** Two outcomes of one task rarely collide; more than this many lost races in a row is a bug, not load. */
const MAX_RACES = 10;

/**
 * Keeps the per-order task status that GET /orders/{id} shows, with each
 * task's timeline of attempts, from the outcome events of the task consumers
 * the registry names. An order this checkout does not know is skipped, not
 * retried.
 *
 * No inbox: folding an outcome into a task's state is idempotent (the same
 * outcome again changes nothing, see domain/task-status.ts), and so is
 * writing its attempt (an upsert keyed by the attempt), so a redelivery is
 * harmless. The update is two statements without a transaction: record the
 * attempt and read the task, then write the task if nothing changed
 * meanwhile (outcomes of one task applied side by side retry instead of
 * overwriting each other).
 */
export async function projectTaskOutcome(
  event: EventEnvelope,
  context: HandlerContext & { registry: Registry; tasks: FulfillmentTasks },
): Promise<void> {
  const outcome = context.registry.readOutcome(event);
  if (!outcome) return;
  const { subject: orderId, task } = outcome;
  let current = await context.tasks.recordAttemptAndRead(
    orderId,
    task,
    toAttemptRecord(outcome, event.occurredAt),
  );
  for (let race = 0; race < MAX_RACES; race++) {
    if (!current) {
      context.log.warn({ orderId, task }, 'outcome for an unknown order; ignored');
      return;
    }
    const next = applyOutcome(current, toTaskOutcome(outcome));
    if (!next || (await context.tasks.replace(orderId, task, current, next))) return;
    current = await context.tasks.read(orderId, task);
  }
  throw new Error(`task ${task} of order ${orderId} changed under ${MAX_RACES} updates in a row`);
}

function toAttemptRecord(outcome: ReadOutcome, occurredAt: string): AttemptRecord {
  const completed = outcome.kind === 'completed';
  return {
    attempt: outcome.attempt,
    outcome: outcome.kind,
    error: completed ? null : (outcome.error ?? ''),
    result: completed ? outcome.detail : null,
    startedAt: outcome.startedAt ? new Date(outcome.startedAt) : null,
    // An event from before outcome events carried the times: it was published as the attempt ended.
    finishedAt: new Date(outcome.finishedAt ?? occurredAt),
  };
}

function toTaskOutcome(outcome: ReadOutcome): TaskOutcome {
  const { attempt, error = '' } = outcome;
  switch (outcome.kind) {
    case 'failed':
      return { kind: 'attempt-failed', attempt, error };
    case 'dead-lettered':
      return { kind: 'dead-lettered', attempt, error };
    default: {
      const url = outcome.detail.url;
      return { kind: 'completed', attempt, ...(typeof url === 'string' ? { url } : {}) };
    }
  }
}
