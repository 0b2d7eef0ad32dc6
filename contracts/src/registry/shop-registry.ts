import { defineRegistry } from '@shop/shared/registry';
import { z } from 'zod';
import { SMTP_UNREACHABLE } from '../email';
import {
  ConfirmationSentV1,
  OrderCompletedV1,
  OrderRecordedV1,
  ReceiptGeneratedV1,
  ReviewRequestDueV1,
  SalesReportDueV1,
  StockReservedV1,
} from '../events';

/**
 * The shop: four services each do one task for every completed order, on a
 * queue of their own, and checkout follows their outcomes to show each
 * order's task status. Every process reads this one description: the queues
 * it declares, the outcome events, checkout's task list and status
 * projection, the demo. Adding a consumer is an entry here, a handler, and
 * a migration for its own schema (README, "Adding a consumer"). Its job
 * controls are properties of its entry too: a job queue, schedules, a rate
 * limit, a circuit breaker (docs/job-controls.md).
 */
export const SHOP_REGISTRY = defineRegistry({
  subject: { key: 'orderId', schema: z.uuid() },
  consumers: {
    email: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      task: 'email',
      completed: ConfirmationSentV1,
      // Review requests and reports wait behind confirmations, in a queue of their own.
      jobs: { queue: 'jobs', consumes: [ReviewRequestDueV1, SalesReportDueV1] },
      schedules: { 'sales-report': { cron: '0 8 * * 1', event: SalesReportDueV1 } },
      // No rate limit unless EMAIL_RATE_LIMIT sets one (the SMTP provider's allowance).
      circuitBreaker: { opensOn: [SMTP_UNREACHABLE] },
    },
    pdf: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      task: 'receipt',
      completed: ReceiptGeneratedV1,
    },
    inventory: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      task: 'inventory',
      completed: StockReservedV1,
    },
    analytics: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      task: 'analytics',
      completed: OrderRecordedV1,
    },
  },
  projector: { service: 'checkout', queue: 'task-outcomes' },
});

export type ShopRegistry = typeof SHOP_REGISTRY;
/** A service of the shop that consumes OrderCompleted. */
export type ShopConsumer = keyof ShopRegistry['spec']['consumers'];
