import { z } from 'zod';
import { defineEvent } from './envelope';

/**
 * What the fulfillment services publish about their work on an order, so
 * checkout can show per-order task status. Every outcome names the order and
 * the attempt it came from (1 for the first delivery).
 */

/** The fulfillment services and the task name each one's status appears under in GET /orders/{id}. */
export const FULFILLMENT_TASKS = {
  email: 'email',
  pdf: 'receipt',
  inventory: 'inventory',
  analytics: 'analytics',
} as const;

export type FulfillmentService = keyof typeof FULFILLMENT_TASKS;
export type FulfillmentTask = (typeof FULFILLMENT_TASKS)[FulfillmentService];

const outcome = { orderId: z.uuid(), attempt: z.number().int().positive() };

export const ConfirmationSentV1 = defineEvent({
  type: 'email.confirmation.sent',
  version: 1,
  data: z.object({ ...outcome, recipient: z.email(), messageId: z.string().min(1) }),
});

export const ReceiptGeneratedV1 = defineEvent({
  type: 'pdf.receipt.generated',
  version: 1,
  data: z.object({ ...outcome, url: z.url(), bytes: z.number().int().positive() }),
});

export const StockReservedV1 = defineEvent({
  type: 'inventory.stock.reserved',
  version: 1,
  data: z.object({
    ...outcome,
    lines: z.array(
      z.object({
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
        /** Units that could not be served from stock and wait for a restock. */
        backordered: z.number().int().nonnegative(),
      }),
    ),
  }),
});

export const OrderRecordedV1 = defineEvent({
  type: 'analytics.order.recorded',
  version: 1,
  data: z.object(outcome),
});

const taskFailedData = z.object({
  ...outcome,
  error: z.string(),
  /** The retry tier the message now waits in, e.g. "5s". */
  retryIn: z.string(),
});

const taskDeadLetteredData = z.object({
  ...outcome,
  error: z.string(),
  /** Why it was parked: retries-exhausted, permanent-error, delivery-limit... */
  reason: z.string(),
});

/** `<service>.task.failed`: an attempt failed and a retry is scheduled. */
export const taskFailedV1 = <Service extends FulfillmentService>(service: Service) =>
  defineEvent({ type: `${service}.task.failed` as const, version: 1, data: taskFailedData });

/** `<service>.task.dead-lettered`: the message is in the service's DLQ, waiting for a human. */
export const taskDeadLetteredV1 = <Service extends FulfillmentService>(service: Service) =>
  defineEvent({ type: `${service}.task.dead-lettered` as const, version: 1, data: taskDeadLetteredData });

const services = Object.keys(FULFILLMENT_TASKS) as FulfillmentService[];

/** Every outcome event checkout projects into task status. */
export const FULFILLMENT_OUTCOMES = [
  ConfirmationSentV1,
  ReceiptGeneratedV1,
  StockReservedV1,
  OrderRecordedV1,
  ...services.map(taskFailedV1),
  ...services.map(taskDeadLetteredV1),
] as const;
