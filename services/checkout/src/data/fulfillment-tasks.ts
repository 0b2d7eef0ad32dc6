import type { TransactionClient } from '@shop/shared/database';
import type { FulfillmentTask } from '@shop/shared/events';
import type { TaskState } from '../domain/task-status';

/**
 * Reads a task's state and locks its row until the transaction ends, so two
 * outcomes for the same task (prefetch lets them run side by side) apply one
 * after the other instead of overwriting each other.
 */
export async function lockTask(
  tx: TransactionClient,
  orderId: string,
  task: FulfillmentTask,
): Promise<TaskState | undefined> {
  const rows = await tx.$queryRaw<TaskState[]>`
    SELECT status::text AS status, attempts, last_error AS "lastError", url
    FROM checkout.fulfillment_tasks
    WHERE order_id = ${orderId}::uuid AND task = ${task}::checkout.fulfillment_task_name
    FOR UPDATE`;
  return rows[0];
}

export function saveTask(tx: TransactionClient, orderId: string, task: FulfillmentTask, state: TaskState) {
  return tx.fulfillmentTask.update({
    where: { orderId_task: { orderId, task } },
    data: { ...state, updatedAt: new Date() },
  });
}
