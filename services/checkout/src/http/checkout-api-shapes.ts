import { z } from 'zod';

/** The shapes checkout's API reads and answers (checkout-api.ts composes the routes that use them). */

export const instant = z.string().meta({ format: 'date-time' });
export const cents = z.number().int();

export const product = z.object({
  sku: z.string(),
  name: z.string(),
  priceCents: cents,
  currency: z.string(),
});

export const attempt = z.object({
  attempt: z.number().int(),
  startedAt: instant.nullable(),
  finishedAt: instant,
  outcome: z.enum(['completed', 'failed', 'dead-lettered']),
  error: z.string().nullable(),
});

export const task = z.object({
  status: z.enum(['pending', 'retrying', 'completed', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  updatedAt: instant.nullable(),
  url: z.string().optional().meta({ description: "The receipt's URL (the receipt task)" }),
  result: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({ description: 'What the service reported when it completed the task' }),
  timeline: z.array(attempt).meta({ description: 'Every attempt, in order' }),
});

/** The order as GET /orders/{id} shows it (order-representation.ts builds it). */
export const orderSchema = z.object({
  id: z.uuid(),
  status: z.enum(['pending', 'confirmed', 'payment_declined', 'failed']),
  customer: z.object({ email: z.string(), name: z.string() }),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPriceCents: cents,
      lineTotalCents: cents,
    }),
  ),
  totalCents: cents,
  currency: z.string(),
  paymentId: z.string().nullable(),
  createdAt: instant,
  fulfillment: z.record(z.string(), task).nullable().meta({
    description: 'One task per fulfillment service, by task name; null until the order is confirmed',
  }),
});
