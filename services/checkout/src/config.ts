import {
  databaseVariables,
  duration,
  httpVariables,
  loadConfig,
  loggingVariables,
  messagingVariables,
  proxyVariables,
} from '@shared/core/config';
import { tracingVariables } from '@shared/core/tracing';
import { parseRate } from '@shared/operations';
import { SHOP_MANIFEST } from '@shop/contracts/registry';
import { z } from 'zod';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true');

export const checkoutVariables = {
  ...loggingVariables,
  ...databaseVariables,
  ...messagingVariables,
  ...httpVariables(SHOP_MANIFEST.checkout.port),
  ...tracingVariables,
  /** How long the simulated gateway takes to answer; the demo sets it to feel like a real card network. */
  PAYMENT_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** false runs checkout without publishing: orders pile up in the outbox (tests use it to kill the process between commit and publish). */
  OUTBOX_RELAY_ENABLED: flag(true),
  /** The relay wakes at once after each order; this poll only catches rows whose wake-up was missed (another replica, a restart, a backoff). */
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(1_000),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().max(500).default(50),
  /** Failed publishes after which an outbox row is parked instead of retried (a poison row). */
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().positive().default(20),
  /** Sent as Retry-After (seconds) with every 503. */
  RETRY_AFTER_SECONDS: z.coerce.number().int().positive().default(5),
  /**
   * Backpressure: with this many events waiting in the outbox (the broker has
   * been away too long), new orders get 503 instead of piling up more. See docs/troubleshooting.md.
   */
  OUTBOX_BACKLOG_LIMIT: z.coerce.number().int().positive().default(5_000),
  /** The operators' bearer token, for listing orders (GET /orders); unset, that route answers 404. */
  ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /**
   * How long an order may stay pending (charged, not yet confirmed) before the
   * reconciler settles it with the gateway: the charge that stands is kept,
   * and one still on its way is cancelled. Keep it well above the gateway's
   * usual answer time, or slow charges turn into cancelled orders.
   */
  PENDING_ORDER_TIMEOUT: duration('2m'),
  /** Serves POST /classic/orders, the demo's synchronous checkout. Off unless a demo turns it on. */
  CLASSIC_MODE_ENABLED: flag(false),
  /** POST /orders per client address ("50/s", "600/m"), counted by each replica; unset, no limit. */
  ORDER_RATE_LIMIT: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return undefined;
      const rate = parseRate(value);
      if (typeof rate === 'string') {
        context.addIssue({ code: 'custom', message: rate });
        return z.NEVER;
      }
      return rate;
    }),
  // Behind an Ingress, 1: else every client shares the Ingress's order rate limit.
  ...proxyVariables,
};

export type CheckoutConfig = ReturnType<typeof loadCheckoutConfig>;

export function loadCheckoutConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(checkoutVariables, source);
}
