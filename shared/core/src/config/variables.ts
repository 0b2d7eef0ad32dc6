import { z } from 'zod';
import { parseAmqpUrls } from './amqp-urls';
import { parseDuration, parseRetryDelays } from './retry-delays';

/**
 * The environment variables the processes share, with defaults that point at
 * localhost so a machine running RabbitMQ and Postgres needs no configuration.
 * A service composes the groups it needs and adds its own (PORT, SMTP_URL...).
 */

/** Whether a package resolves from here: a development dependency is absent in the image. */
function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A duration variable ("500ms", "2s", "5m", "24h", "7d"), read as milliseconds. */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const milliseconds = parseDuration(value);
      if (!(milliseconds > 0)) {
        context.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration; use e.g. 500ms, 30s, 2m, 24h`,
        });
        return z.NEVER;
      }
      return milliseconds;
    });

export const loggingVariables = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` for humans (npm start; needs the dev dependency pino-pretty), `json` for machines. */
  LOG_FORMAT: z
    .enum(['json', 'pretty'])
    .default('json')
    .refine((format) => format === 'json' || isInstalled('pino-pretty'), {
      message:
        '"pretty" needs pino-pretty, a development dependency the production image leaves out; use json (the default) and pipe the output through pino-pretty where it is installed',
    }),
};

export const databaseVariables = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL')
    .default('postgresql://postgres:postgres@localhost:5432/shop'),
  /** Connections per process; keep PREFETCH below it so every in-flight message can get one. */
  DATABASE_POOL_SIZE: positiveInt(10),
};

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

/**
 * What an attempt's transactions may outlast its handler timeout by: time to
 * commit or roll back once the handler returns. Every attempt has ended, its
 * effects committed or rolled back, within HANDLER_TIMEOUT_MS plus this.
 */
export const TRANSACTION_GRACE_MS = 5_000;
/** What a process may take to close its connections once its stop has waited for its deliveries. */
const CLOSE_GRACE_MS = 5_000;

interface ShutdownSettings {
  HANDLER_TIMEOUT_MS: number;
  SHUTDOWN_TIMEOUT_MS?: number | undefined;
}

/**
 * How long a stop waits for the deliveries in progress: SHUTDOWN_TIMEOUT_MS,
 * or as long as an attempt can last. Waiting less would hand back to the
 * queue a message whose handler may still be sending an email, which another
 * replica would then send again.
 */
export function shutdownTimeoutMs(config: ShutdownSettings): number {
  return config.SHUTDOWN_TIMEOUT_MS ?? config.HANDLER_TIMEOUT_MS + TRANSACTION_GRACE_MS;
}

/**
 * When a process exits after SIGTERM whatever happens (stopOnSignals): the
 * stop's wait and 5 s to close. The platform's grace period must be longer
 * (Kubernetes `terminationGracePeriodSeconds`, after any preStop; compose's
 * `stop_grace_period`), or it kills the process mid-send.
 */
export function shutdownDeadlineMs(config: ShutdownSettings): number {
  return shutdownTimeoutMs(config) + CLOSE_GRACE_MS;
}

/**
 * Rules between the shared variables, checked by `loadConfig` wherever a
 * process reads them together; each problem as "NAME: what is wrong".
 */
export function sharedVariableRules(config: Record<string, unknown>): string[] {
  const { HANDLER_TIMEOUT_MS: handler, SHUTDOWN_TIMEOUT_MS: shutdown } = config;
  if (typeof handler !== 'number' || typeof shutdown !== 'number') return [];
  const least = handler + TRANSACTION_GRACE_MS;
  return shutdown >= least
    ? []
    : [
        `SHUTDOWN_TIMEOUT_MS: must be at least HANDLER_TIMEOUT_MS + ${TRANSACTION_GRACE_MS / 1000} s (${least}), so a stop outlasts every attempt in progress; unset, it is that`,
      ];
}

export const httpVariables = (defaultPort: number) => ({
  PORT: z.coerce.number().int().min(0).max(65_535).default(defaultPort),
  /** The scraper's bearer token for /metrics; unset, /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
});

/** For a service that sits behind proxies (an Ingress, a TLS terminator) and must know its client. */
export const proxyVariables = {
  /**
   * How many proxies in front to believe about the client (X-Forwarded-For,
   * -Proto, -Host: Express's `trust proxy` hop count). 0: none, right when
   * clients connect directly (compose, npm start); behind an Ingress or a TLS
   * terminator, 1. https://expressjs.com/en/guide/behind-proxies.html
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
};
