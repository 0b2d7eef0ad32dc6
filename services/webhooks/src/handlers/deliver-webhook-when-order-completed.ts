import type { EventOf, HandlerContext } from '@shared/messaging';
import type { PrismaClient, TransactionClient } from '@shop/contracts/database';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import { findDelivery, recordDelivery } from '../data/webhook-deliveries';
import type { WebhookClient } from '../delivery/webhook-client';

export interface DeliverWebhookDeps extends HandlerContext<TransactionClient> {
  prisma: PrismaClient;
  webhooks: WebhookClient;
}

/**
 * An HTTP POST cannot join a database transaction, so it happens inside the
 * inbox transaction, after the claim on the event's id, and the delivery's
 * record commits right after the endpoint's 2xx. Another attempt at the same
 * event waits on the claim until this one commits, then posts nothing.
 *
 * What stays open: a crash (or a lost database) between the 2xx and the
 * commit rolls the claim back, and the redelivery posts again under the same
 * webhook-id, which the merchant drops (the service's README, "Exactly once").
 *
 * Returns what `webhooks.webhook.delivered` reports, on duplicates too, so a
 * report lost after the first attempt's commit is repaired.
 */
export async function deliverWebhookWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: DeliverWebhookDeps,
) {
  const outcome = await deps.inbox.once(async (tx) => {
    const delivered = await deps.webhooks.deliver(event, deps.signal);
    await recordDelivery(tx, { ...delivered, orderId: event.data.orderId });
    return delivered;
  });
  if (!outcome.duplicate) return outcome.result;
  const recorded = await findDelivery(deps.prisma, event.id);
  if (!recorded) throw new Error(`event ${event.id} was handled but has no recorded delivery`);
  deps.log.info({ orderId: event.data.orderId }, 'webhook already delivered; not posting it again');
  return { deliveryId: recorded.deliveryId, endpoint: recorded.endpoint, statusCode: recorded.statusCode };
}
