import { defineEvent } from '@shared/messaging';
import { z } from 'zod';

export const ReviewRequestDueV1 = defineEvent({
  type: 'email.review-request.due',
  version: 1,
  summary: "A customer's review request has fallen due",
  description:
    "A delayed job: the email service schedules it in the transaction that records an order's confirmation email, due REVIEW_REQUEST_DELAY after the order was placed, and one of its replicas publishes it when it falls due. The email service then asks the customer, by email, for a review of the items ordered.",
  data: z.object({
    orderId: z.uuid(),
    customer: z.object({ email: z.email(), name: z.string().min(1) }),
    items: z.array(z.object({ sku: z.string().min(1), name: z.string().min(1) })).min(1),
    placedAt: z.iso.datetime({ offset: true }),
  }),
});
