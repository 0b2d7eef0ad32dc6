import {
  databaseVariables,
  httpVariables,
  loadConfig,
  loggingVariables,
  messagingVariables,
} from '@shop/shared/config';
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
  ...httpVariables(3000),
  /** How long the simulated gateway takes to answer; the demo sets it to feel like a real card network. */
  PAYMENT_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** false runs checkout without publishing: orders pile up in the outbox (tests use it to kill the process between commit and publish). */
  OUTBOX_RELAY_ENABLED: flag(true),
  /** The relay wakes at once after each order; this poll only catches rows whose wake-up was missed (another replica, a restart, a backoff). */
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(1_000),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().max(500).default(50),
  /** Sent as Retry-After (seconds) with every 503. */
  RETRY_AFTER_SECONDS: z.coerce.number().int().positive().default(5),
  /**
   * Backpressure: with this many events waiting in the outbox (the broker has
   * been away too long), new orders get 503 instead of piling up more. See the README.
   */
  OUTBOX_BACKLOG_LIMIT: z.coerce.number().int().positive().default(5_000),
  /** Bearer token for the dead-letter admin API under /admin/dlq; unset, the API is off. */
  ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Allows POST /orders?mode=classic, the demo's synchronous checkout. Off unless a demo turns it on. */
  CLASSIC_MODE_ENABLED: flag(false),
};

export type CheckoutConfig = ReturnType<typeof loadCheckoutConfig>;

export function loadCheckoutConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(checkoutVariables, source);
}
