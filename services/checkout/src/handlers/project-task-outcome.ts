import type { PrismaClient } from '@shop/shared/database';
import {
  type EventOf,
  type FULFILLMENT_OUTCOMES,
  FULFILLMENT_TASKS,
  type FulfillmentService,
  ReceiptGeneratedV1,
} from '@shop/shared/events';
import type { Logger } from '@shop/shared/logging';
import { handleOnce } from '@shop/shared/messaging';
import { lockTask, saveTask } from '../data/fulfillment-tasks';
import { applyOutcome, type TaskOutcome } from '../domain/task-status';

export type FulfillmentOutcome = EventOf<(typeof FULFILLMENT_OUTCOMES)[number]>;

/**
 * Keeps the per-order task status that GET /orders/{id} shows, from the
 * outcome events of the four fulfillment services. Each event counts once
 * (inbox); an order this checkout does not know is skipped, not retried.
 */
export async function projectTaskOutcome(
  event: FulfillmentOutcome,
  deps: { prisma: PrismaClient; log: Logger },
): Promise<void> {
  const service = event.type.split('.')[0] as FulfillmentService;
  const task = FULFILLMENT_TASKS[service];
  const { orderId } = event.data;
  const outcome = toOutcome(event);
  await handleOnce(deps.prisma, 'checkout', event, async (tx) => {
    const current = await lockTask(tx, orderId, task);
    if (!current) {
      deps.log.warn({ orderId, task }, 'outcome for an unknown order; ignored');
      return;
    }
    const next = applyOutcome(current, outcome);
    if (next) await saveTask(tx, orderId, task, next);
  });
}

function toOutcome(event: FulfillmentOutcome): TaskOutcome {
  const { attempt } = event.data;
  if (event.type.endsWith('.task.failed') && 'error' in event.data) {
    return { kind: 'attempt-failed', attempt, error: event.data.error };
  }
  if (event.type.endsWith('.task.dead-lettered') && 'error' in event.data) {
    return { kind: 'dead-lettered', attempt, error: event.data.error };
  }
  if (event.type === ReceiptGeneratedV1.type && 'url' in event.data) {
    return { kind: 'completed', attempt, url: event.data.url };
  }
  return { kind: 'completed', attempt };
}
