import type { PrismaClient, TransactionClient } from '@shop/contracts/database';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import type { EventOf } from '@shop/shared/events';
import type { HandlerContext } from '@shop/shared/messaging';
import { recordOrderFactOnce } from '../data/order-facts';

/**
 * The fact and the inbox record commit together, in one statement (the hot
 * path of the busiest consumer); a duplicate records nothing and is reported
 * again, with the time of the first record. Returns what
 * `analytics.order.recorded` reports.
 */
export async function recordOrderWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  context: HandlerContext<TransactionClient> & { prisma: PrismaClient },
) {
  const recordedAt = await recordOrderFactOnce(context.prisma, context.inbox.claim, event.data);
  return { recordedAt: recordedAt.toISOString() };
}
