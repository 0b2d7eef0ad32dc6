import { defineEvent } from '@shared/messaging';
import { z } from 'zod';

/**
 * A fat event, so that no consumer ever calls back into checkout. A published
 * version only gains optional fields; a breaking change is a new version in a
 * new file.
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
  summary: 'An order is confirmed: its card charged and the order saved',
  description:
    'Checkout writes it in the transaction that confirms the order (its outbox) and publishes it once that commits; the outbox relay publishes again any row whose publish failed, so it is delivered at least once, and consumers absorb duplicates by its `id`. It carries everything a consumer needs (customer, named and priced lines, totals, payment id), so no consumer calls back into checkout.',
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
