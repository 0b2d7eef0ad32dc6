import type { EventOf, HandlerContext } from '@shared/messaging';
import type { TransactionClient } from '@shop/contracts/database';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import type { OrderFacts } from '../data/order-facts';

/**
 * The fact and the inbox record commit together, in one statement (the hot
 * path of the busiest consumer); a duplicate records nothing and is reported
 * again, with the time of the first record. Returns what
 * `analytics.order.recorded` reports.
 */
export async function recordOrderWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  context: HandlerContext<TransactionClient> & { facts: OrderFacts },
) {
  const recordedAt = await context.facts.recordOnce(context.inbox.claim, event.data);
  return { recordedAt: recordedAt.toISOString() };
}
