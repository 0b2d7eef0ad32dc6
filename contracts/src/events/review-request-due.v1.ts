import { defineEvent } from '@shop/shared/events';
import { z } from 'zod';

/**
 * `email.review-request.due` v1: a delayed job. The email service schedules
 * it when it confirms an order, due REVIEW_REQUEST_DELAY after the order was
 * placed; when it falls due, the customer is asked for a review.
 */
export const ReviewRequestDueV1 = defineEvent({
  type: 'email.review-request.due',
  version: 1,
  data: z.object({
    orderId: z.uuid(),
    customer: z.object({ email: z.email(), name: z.string().min(1) }),
    items: z.array(z.object({ sku: z.string().min(1), name: z.string().min(1) })).min(1),
    placedAt: z.iso.datetime({ offset: true }),
  }),
});
