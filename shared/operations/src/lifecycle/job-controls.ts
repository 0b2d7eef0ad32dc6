import { duration, loadConfig, variableName } from '@shared/core/config';
import type { Logger } from '@shared/core/logging';
import { labelledGaugeOnScrape } from '@shared/core/metrics';
import type { Broker, ConsumerEntry, ConsumerMode } from '@shared/messaging';
import { OutboxRelay } from '@shared/messaging';
import type pg from 'pg';
import { z } from 'zod';
import {
  ConsumerControls,
  ConsumerSwitch,
  parseRate,
  type Rate,
  rateLimitPool,
  SharedRateLimiter,
} from '../controls';
import { countParkedJobs, JOBS_TABLE, type PlannerDatabase, parseCron, RecurringPlanner } from '../scheduler';

/**
 * The variables of a registry entry's job controls. The names follow the
 * entry: `<SERVICE>_RATE_LIMIT`, `<SCHEDULE>_CRON`; the breaker's two and
 * JOB_MAX_ATTEMPTS are the same for every service.
 */
export function jobControlVariables(entry: ConsumerEntry) {
  const rate = z
    .string()
    .optional()
    .transform((value, context) => {
      const text = value ?? entry.rateLimit;
      if (text === undefined || text.trim() === 'off') return undefined;
      const parsed = parseRate(text);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    });
  const crons = Object.fromEntries(
    Object.entries(entry.schedules ?? {}).map(([name, schedule]) => [
      `${variableName(name)}_CRON`,
      z
        .string()
        .default(schedule.cron)
        .refine((cron) => typeof parseCron(cron) !== 'string', {
          error: (issue) => String(parseCron(String(issue.input))),
        }),
    ]),
  );
  return {
    [`${variableName(entry.service)}_RATE_LIMIT`]: rate,
    /** Failures in a row that say the downstream is unreachable before the circuit opens. */
    CIRCUIT_BREAKER_THRESHOLD: z.coerce.number().int().positive().default(5),
    /** How long an open circuit holds every replica before one probe is let through. */
    CIRCUIT_BREAKER_COOL_DOWN: duration('30s'),
    /** Refused publishes of a due job (backing off to 30 s) before the relay parks it for an operator. */
    JOB_MAX_ATTEMPTS: z.coerce.number().int().positive().default(20),
    ...crons,
  };
}

export interface JobControlsOptions {
  entry: ConsumerEntry;
  db: PlannerDatabase;
  databaseUrl: string;
  broker: Broker;
  handlerTimeoutMs: number;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

/**
 * A consuming service's job controls, all read from its registry entry: the
 * rate limit its handler runs share with every replica, the operator's pause
 * and the circuit breaker (one switch), the relay that publishes its delayed
 * jobs when due, and the planner of its recurring ones.
 */
export class JobControls {
  readonly rateLimiter: SharedRateLimiter | undefined;
  readonly switch: ConsumerSwitch;
  private readonly pool: pg.Pool | undefined;
  private readonly relay: OutboxRelay | undefined;
  private readonly planner: RecurringPlanner | undefined;
  /** The switch's latest mode, and the subscription it drives once there is one. */
  private mode: ConsumerMode = 'consume';
  private target: { setMode(mode: ConsumerMode): void } | undefined;

  constructor(private readonly options: JobControlsOptions) {
    const { entry, db, logger } = options;
    const variables = loadConfig(jobControlVariables(entry), options.env ?? process.env) as Record<
      string,
      unknown
    >;
    const rate = variables[`${variableName(entry.service)}_RATE_LIMIT`] as Rate | undefined;
    if (rate) {
      this.pool = rateLimitPool(options.databaseUrl);
      this.pool.on('error', (error) => logger.warn({ err: error }, 'rate limiter connection lost'));
      this.rateLimiter = new SharedRateLimiter(
        this.pool,
        entry.service,
        rate,
        logger.child({ component: 'rate-limiter' }),
      );
    }
    this.switch = new ConsumerSwitch({
      service: entry.service,
      controls: new ConsumerControls(db),
      databaseUrl: options.databaseUrl,
      ...(entry.circuitBreaker
        ? {
            breaker: {
              opensOn: new Set(entry.circuitBreaker.opensOn),
              threshold: variables.CIRCUIT_BREAKER_THRESHOLD as number,
              coolDownMs: variables.CIRCUIT_BREAKER_COOL_DOWN as number,
            },
          }
        : {}),
      ...(rate ? { rateLimit: rate.text } : {}),
      probeLeaseMs: Math.max(30_000, 2 * options.handlerTimeoutMs),
      log: logger.child({ component: 'consumer-switch' }),
      onMode: (mode) => this.onMode(mode),
    });
    if (entry.jobs) {
      this.relay = new OutboxRelay(db, options.broker, logger.child({ component: 'job-relay' }), {
        table: JOBS_TABLE,
        service: entry.service,
        pollMs: 500,
        batchSize: 500,
        maxAttempts: variables.JOB_MAX_ATTEMPTS as number,
      });
      // Every replica reports its service's count; alerts take the max.
      labelledGaugeOnScrape(
        'shop_scheduled_jobs_parked',
        'Jobs the relay stopped trying after too many refused publishes; an operator decides',
        ['service'],
        async () => [{ labels: { service: entry.service }, value: await countParkedJobs(db, entry.service) }],
      );
    }
    const schedules = Object.entries(entry.schedules ?? {});
    if (schedules.length > 0) {
      this.planner = new RecurringPlanner(
        db,
        entry.service,
        schedules.map(([name, { event }]) => ({
          name,
          event,
          cron: variables[`${variableName(name)}_CRON`] as string,
        })),
        logger.child({ component: 'scheduler' }),
      );
    }
  }

  private onMode(mode: ConsumerMode) {
    this.mode = mode;
    this.target?.setMode(mode);
  }

  /** Reads the switch before the first delivery, so a paused service takes nothing on start. */
  async start(): Promise<void> {
    await this.switch.start();
    // The planner first: its catch-up replaces occurrences that fell due while no replica ran,
    // which the relay would otherwise publish one by one.
    await this.planner?.start();
    this.relay?.start();
  }

  /** The subscription the switch drives; it takes the current mode at once. */
  drive(target: { setMode(mode: ConsumerMode): void }): void {
    this.target = target;
    target.setMode(this.mode);
  }

  /** Before the broker closes: waiting turns are released, the relay and planner stop. */
  async stop(): Promise<void> {
    this.planner?.stop();
    this.rateLimiter?.close();
    await this.relay?.stop();
    await this.switch.stop();
  }

  /** After the broker has closed. */
  async close(): Promise<void> {
    await this.pool?.end().catch(() => {});
  }
}
