import { z } from 'zod';
import { parseAmqpUrls } from './amqp-urls';
import { parseRetryDelays } from './retry-delays';
import { positiveInt } from './variable-kinds';

export const messagingVariables = {
  /** One URL, or one per node of a cluster separated by commas: the broker connection rotates through them. */
  AMQP_URL: z
    .string()
    .default('amqp://guest:guest@localhost:5672')
    .transform((value, context) => {
      const urls = parseAmqpUrls(value);
      if (typeof urls === 'string') {
        context.addIssue({ code: 'custom', message: urls });
        return z.NEVER;
      }
      return urls;
    }),
  /** Prefixes every exchange and queue name, so test runs never collide with each other or a running stack. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" and "-" only')
    .default(''),
  RETRY_DELAYS: z
    .string()
    .default('1s,5s,25s,2m,10m')
    .transform((value, context) => {
      const tiers = parseRetryDelays(value);
      if (typeof tiers === 'string') {
        context.addIssue({ code: 'custom', message: tiers });
        return z.NEVER;
      }
      return tiers;
    }),
  /** Deliveries without an outcome (the process died mid-message) before a message is dead-lettered. */
  DELIVERY_LIMIT: positiveInt(5),
  PREFETCH: positiveInt(5),
  HANDLER_TIMEOUT_MS: positiveInt(30_000),
  /**
   * How long a stop waits for the deliveries in progress; by default as long as an attempt can
   * last (HANDLER_TIMEOUT_MS and the transaction grace), and never less (see sharedVariableRules).
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
};
