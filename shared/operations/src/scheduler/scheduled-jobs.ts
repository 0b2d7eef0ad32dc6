import type { EventEnvelope, OutboxDatabase } from '@shared/messaging';
import { z } from 'zod';

/** The runtime's table of delayed and recurring jobs: an outbox whose rows fall due later. */
export const JOBS_TABLE = 'runtime.scheduled_jobs';

/** The data every recurring job's event carries (its contract spreads these fields). */
export const recurringJobFields = {
  /** The schedule's name. */
  schedule: z.string().min(1),
  /** The occurrence this run is for. */
  scheduledFor: z.iso.datetime({ offset: true }),
  /** The previous run's occurrence (a report covers since then, missed runs included). */
  since: z.iso.datetime({ offset: true }),
};

export interface JobToSchedule {
  /** The service whose replicas publish the event when it is due. */
  service: string;
  event: EventEnvelope;
  dueAt: Date;
  /** The recurring schedule that planned it. */
  schedule?: string;
}

/**
 * Asks for `event` to be published at `dueAt`, durably: a row in the jobs
 * table, written in the caller's transaction when it passes one (so a job is
 * scheduled exactly when the work that asks for it commits). Once per event
 * id: false if that job exists already.
 */
export async function scheduleJob(db: OutboxDatabase, job: JobToSchedule): Promise<boolean> {
  const inserted = await db.$executeRawUnsafe(
    `INSERT INTO ${JOBS_TABLE} (id, service, type, payload, due_at, next_attempt_at, schedule)
     VALUES ($1::uuid, $2, $3, $4::jsonb, $5, $5, $6)
     ON CONFLICT (id) DO NOTHING`,
    job.event.id,
    job.service,
    job.event.type,
    JSON.stringify(job.event),
    job.dueAt,
    job.schedule ?? null,
  );
  return inserted === 1;
}

export interface PendingJob {
  id: string;
  service: string;
  type: string;
  dueAt: Date;
  schedule: string | null;
  /** The job's subject (an order id) when its data names one under `subjectKey`. */
  subject: string | null;
  attempts: number;
  lastError: string | null;
}

/** A job the relay stopped trying: the broker refused its publish too often. */
export interface ParkedJob extends PendingJob {
  parkedAt: Date;
}

export interface RecurringSchedule {
  service: string;
  name: string;
  cron: string;
  nextDueAt: Date | null;
  lastDueAt: Date | null;
}

/** What operators see of the jobs: what is waiting and when it is due, and every recurring schedule. */
export class ScheduledJobs {
  constructor(
    private readonly db: OutboxDatabase,
    private readonly subjectKey: string,
  ) {}

  /** Jobs not yet published, soonest first. */
  async pending(options: { service?: string; limit: number }): Promise<PendingJob[]> {
    return this.db.$queryRawUnsafe<PendingJob[]>(
      `SELECT id::text, service, type, due_at AS "dueAt", schedule, attempts, last_error AS "lastError",
              payload->'data'->>$3 AS subject
       FROM ${JOBS_TABLE}
       WHERE published_at IS NULL AND parked_at IS NULL AND ($1::text IS NULL OR service = $1)
       ORDER BY due_at
       LIMIT $2`,
      options.service ?? null,
      options.limit,
      this.subjectKey,
    );
  }

  /** Jobs parked after too many refused publishes, most recent first; they wait for an operator. */
  async parked(options: { service?: string; limit: number }): Promise<ParkedJob[]> {
    return this.db.$queryRawUnsafe<ParkedJob[]>(
      `SELECT id::text, service, type, due_at AS "dueAt", schedule, attempts, last_error AS "lastError",
              parked_at AS "parkedAt", payload->'data'->>$3 AS subject
       FROM ${JOBS_TABLE}
       WHERE parked_at IS NOT NULL AND published_at IS NULL AND ($1::text IS NULL OR service = $1)
       ORDER BY parked_at DESC
       LIMIT $2`,
      options.service ?? null,
      options.limit,
      this.subjectKey,
    );
  }

  /** Every recurring schedule its service has announced, with its next and last occurrence. */
  async recurring(): Promise<RecurringSchedule[]> {
    return this.db.$queryRawUnsafe<RecurringSchedule[]>(
      `SELECT s.service, s.name, s.cron,
              (SELECT min(due_at) FROM ${JOBS_TABLE} j
                WHERE j.service = s.service AND j.schedule = s.name AND j.published_at IS NULL) AS "nextDueAt",
              (SELECT max(due_at) FROM ${JOBS_TABLE} j
                WHERE j.service = s.service AND j.schedule = s.name AND j.published_at IS NOT NULL) AS "lastDueAt"
       FROM runtime.schedules s
       ORDER BY s.service, s.name`,
    );
  }
}

/**
 * How many of `service`'s jobs are parked. Read from the partial index of
 * parked rows (scheduled_jobs_parked_idx), so it costs the same however many
 * published jobs the table keeps.
 */
export async function countParkedJobs(db: OutboxDatabase, service: string): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ parked: number }[]>(
    `SELECT count(*)::int AS parked FROM ${JOBS_TABLE}
     WHERE service = $1 AND parked_at IS NOT NULL AND published_at IS NULL`,
    service,
  );
  return row?.parked ?? 0;
}
