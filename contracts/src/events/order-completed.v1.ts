import { defineEvent } from '@shop/shared/events';
import { z } from 'zod';

/**
 * `checkout.order.completed` v1: a fat event. It carries everything a
 * consumer needs (customer, named and priced lines, totals, payment id), so
 * no consumer ever calls back into checkout. A published version only gains
 * optional fields; a breaking change is a new version in a new file.
 */
export const orderLineSchema = z.object({
  sku: z.string().min(1),
  name: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPriceCents: z.number().int().nonnegative(),
  lineTotalCents: z.number().int().nonnegative(),
});

export const OrderCompletedV1 = defineEvent({
  type: 'checkout.order.completed',
  version: 1,
  data: z.object({
    orderId: z.uuid(),
    customer: z.object({ email: z.email(), name: z.string().min(1) }),
    items: z.array(orderLineSchema).min(1),
    totalCents: z.number().int().nonnegative(),
    currency: z.string().length(3),
    paymentId: z.string().min(1),
    placedAt: z.iso.datetime({ offset: true }),
  }),
});
