import { defineEvent } from '@shared/messaging';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

export const OrderRecordedV1 = defineEvent({
  type: 'analytics.order.recorded',
  version: 1,
  summary: "The order's fact is in the sales figures",
  description:
    "The analytics service's outcome of its task for an order: the order is recorded as one fact (its total and lines) that GET /analytics/summary sums. A redelivered order event records nothing and reports the same again, `recordedAt` being the first record's time. Checkout shows the order's `analytics` task as completed.",
  data: z.object({
    ...outcomeFields,
    /** When the fact was recorded (the first time, for a duplicate). Optional: added to v1 later. */
    recordedAt: z.iso.datetime({ offset: true }).optional(),
  }),
});
