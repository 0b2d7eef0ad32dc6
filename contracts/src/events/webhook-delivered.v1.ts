import { defineEvent } from '@shared/messaging';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

export const WebhookDeliveredV1 = defineEvent({
  type: 'webhooks.webhook.delivered',
  version: 1,
  summary: "The order reached the merchant's webhook endpoint",
  description:
    "The webhooks service's outcome of its task for an order: the merchant's endpoint answered 2xx to the signed POST of the order's `checkout.order.completed` event. `deliveryId` is the `webhook-id` header the endpoint saw (the event's id, the same on every retry and replay, so the merchant drops a duplicate by it). A redelivered order event posts nothing and reports the delivery recorded the first time. Checkout shows the order's `webhook` task as completed.",
  data: z.object({
    ...outcomeFields,
    /** The `webhook-id` of the delivery: the OrderCompleted event's id. */
    deliveryId: z.uuid(),
    /** The host (and port) of the endpoint that accepted it; never its path or query, which may hold a token. */
    endpoint: z.string().min(1),
    /** The endpoint's 2xx status. */
    statusCode: z.number().int().min(200).max(299),
  }),
});
