import { defineEvent } from '@shop/shared/events';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

/** `analytics.order.recorded` v1: the order's fact is in the sales figures. */
export const OrderRecordedV1 = defineEvent({
  type: 'analytics.order.recorded',
  version: 1,
  data: z.object({
    ...outcomeFields,
    /** When the fact was recorded (the first time, for a duplicate). Optional: added to v1 later. */
    recordedAt: z.iso.datetime({ offset: true }).optional(),
  }),
});
