import type { Logger } from '@shared/core/logging';
import type { OutboxDatabase } from '@shared/messaging';
import { createEvent, type EventContract } from '@shared/messaging';
import { Cron } from 'croner';
import { jobId } from './job-ids';
import { JOBS_TABLE, scheduleJob } from './scheduled-jobs';

export interface RecurringJob {
  name: string;
  /** 5 fields (minutes) or 6 (seconds first), read in UTC. */
  cron: string;
  /** Its data: `recurringJobFields`. */
  event: EventContract;
}

/** A database the planner can also open a transaction on (a Prisma client). */
export interface PlannerDatabase extends OutboxDatabase {
  $transaction<Result>(work: (tx: OutboxDatabase) => Promise<Result>): Promise<Result>;
}

/** Occurrences kept planned ahead, so a run never waits for the planner to wake up. */
const PLANNED_AHEAD = 2;
/** The planner wakes at least this often (and at every occurrence). */
const MAX_SLEEP_MS = 60_000;

/** A cron expression, or a message saying what is wrong with it. */
export function parseCron(expression: string): Cron | string {
  try {
    return new Cron(expression, { mode: '5-or-6-parts', timezone: 'UTC', paused: true });
  } catch (error) {
    return `"${expression}" is not a cron expression (5 or 6 fields): ${(error as Error).message}`;
  }
}

/**
 * Plans a service's recurring jobs as rows of the jobs table, which the
 * service's job relay publishes when they fall due. Every replica plans;
 * each occurrence has an id made from its schedule and time, so they all
 * write the same row and the database keeps one: a run happens once however
 * many replicas there are.
 *
 * Catch-up, on start: if occurrences were missed while no replica ran
 * (the most recent has no row, while older runs show the schedule existed),
 * the most recent one runs once, now; the rows planned ahead that fell due
 * unpublished are dropped, and the run that catches up covers them (`since`
 * is the previous run's occurrence). When the most recent occurrence has its
 * row, every occurrence was planned, and the relay runs each. A schedule seen for the first time starts
 * with its next occurrence. Replicas starting together decide one at a
 * time (a lock per schedule): the first catches up, the others see it has
 * just planned. Deciding at once, two could each take another occurrence as
 * the missed one, and both runs would cover the gap.
 */
export class RecurringPlanner {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly crons: { job: RecurringJob; cron: Cron }[];

  constructor(
    private readonly db: PlannerDatabase,
    private readonly service: string,
    jobs: RecurringJob[],
    private readonly log: Logger,
  ) {
    this.crons = jobs.map((job) => {
      const cron = parseCron(job.cron);
      if (typeof cron === 'string') throw new Error(`${service} schedule "${job.name}": ${cron}`);
      return { job, cron };
    });
  }

  async start(): Promise<void> {
    for (const { job, cron } of this.crons) {
      await this.db.$transaction(async (tx) => {
        await tx.$queryRawUnsafe(
          'SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext($1))',
          `schedule:${this.service}/${job.name}`,
        );
        const { lastSeenSecondsAgo } = await this.announce(tx, job, cron);
        // Another replica planned within the time its planned runs cover: it is alive, and the
        // runs now due are its, on their way through a relay. Only after every replica stopped
        // for longer has a run gone unplanned, and needs catching up.
        const [next, after] = cron.nextRuns(2, new Date());
        const covered = next && after ? (PLANNED_AHEAD * (after.getTime() - next.getTime())) / 1000 : 0;
        if (lastSeenSecondsAgo !== null && lastSeenSecondsAgo < covered) return;
        await this.catchUp(tx, job, cron, new Date());
      });
    }
    await this.planAhead();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async planAhead() {
    if (this.stopped) return;
    const now = new Date();
    let wake = MAX_SLEEP_MS;
    try {
      for (const { job, cron } of this.crons) {
        for (const occurrence of cron.nextRuns(PLANNED_AHEAD, now))
          await this.plan(this.db, job, cron, occurrence);
        const next = cron.nextRun(now);
        if (next) wake = Math.min(wake, next.getTime() - now.getTime());
      }
      // A sign of life for replicas that start meanwhile (see start).
      await this.db.$executeRawUnsafe(
        'UPDATE runtime.schedules SET updated_at = now() WHERE service = $1 AND name = ANY($2::text[])',
        this.service,
        this.crons.map(({ job }) => job.name),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'could not plan recurring jobs; trying again');
      wake = 1_000;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.planAhead(), Math.max(wake, 50));
    this.timer.unref();
  }

  /**
   * Records the schedule as this service runs it, and forgets what an older
   * cron had planned. Runs of the same cron are left alone: those that fell
   * due while no replica ran are the catch-up's to find, and those ahead are
   * the ones this replica would plan (a run's id is its occurrence), or the
   * run another replica just planned to catch up. Under another cron, every
   * run the old one planned and no relay has taken goes, however due, or a
   * report of a schedule no longer configured would still go out.
   */
  private async announce(
    db: OutboxDatabase,
    job: RecurringJob,
    cron: Cron,
  ): Promise<{ lastSeenSecondsAgo: number | null }> {
    // clock_timestamp, not the transaction's start: a replica that waited for the lock sees the
    // time since the one before it announced, not a negative one.
    const [row] = await db.$queryRawUnsafe<{ previous: string | null; seconds_ago: number | null }[]>(
      `WITH previous AS (SELECT cron, updated_at FROM runtime.schedules WHERE service = $1 AND name = $2)
       INSERT INTO runtime.schedules (service, name, cron) VALUES ($1, $2, $3)
       ON CONFLICT (service, name) DO UPDATE SET cron = $3, updated_at = now()
       RETURNING (SELECT cron FROM previous) AS previous,
         (SELECT extract(epoch FROM clock_timestamp() - updated_at)::float8 FROM previous) AS seconds_ago`,
      this.service,
      job.name,
      job.cron,
    );
    const changed = row?.previous != null && row.previous !== job.cron;
    if (changed) {
      const planned = cron.nextRuns(PLANNED_AHEAD, new Date()).map((at) => this.idOf(job, at));
      const dropped = await db.$executeRawUnsafe(
        `DELETE FROM ${JOBS_TABLE}
         WHERE service = $1 AND schedule = $2 AND published_at IS NULL AND id <> ALL($3::uuid[])
           AND next_attempt_at = due_at`,
        this.service,
        job.name,
        planned,
      );
      this.log.info(
        { schedule: job.name, dropped, previousCron: row?.previous },
        'replanned a schedule whose cron changed',
      );
    }
    return { lastSeenSecondsAgo: changed ? null : (row?.seconds_ago ?? null) };
  }

  private async catchUp(db: OutboxDatabase, job: RecurringJob, cron: Cron, now: Date) {
    const [missed] = cron.previousRuns(1, now);
    if (!missed) return;
    // The latest occurrence already has its row: a replica planned it (one alive whose sign of
    // life came late on a busy machine, or one that stopped within its planned-ahead window),
    // and a relay runs it. Nothing went unplanned; catching up would fold it into another run.
    const [planned] = await db.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM ${JOBS_TABLE} WHERE id = $1::uuid`,
      this.idOf(job, missed),
    );
    if (planned) return;
    // Occurrences planned ahead that fell due while no replica ran are not run one by one:
    // they make way for one run, which covers the time since the last run that happened.
    // Only rows no relay has taken: a claim moves next_attempt_at past due_at, and a claimed
    // row may be on its way to the broker (another replica's relay), so it is a run that
    // happened; deleting it would have this catch-up cover its period again.
    const dropped = await db.$executeRawUnsafe(
      `DELETE FROM ${JOBS_TABLE}
       WHERE service = $1 AND schedule = $2 AND published_at IS NULL AND due_at <= $3
         AND next_attempt_at = due_at`,
      this.service,
      job.name,
      missed,
    );
    const [earlier] = await db.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM ${JOBS_TABLE} WHERE service = $1 AND schedule = $2 AND due_at < $3 LIMIT 1`,
      this.service,
      job.name,
      missed,
    );
    if (!earlier && dropped === 0) return;
    if (await this.plan(db, job, cron, missed, now)) {
      this.log.warn(
        { schedule: job.name, occurrence: missed.toISOString(), skipped: Math.max(0, dropped - 1) },
        'missed run; running it once now',
      );
    }
  }

  /** Writes the row of one occurrence, due at `dueAt` (the occurrence itself unless catching up). */
  private async plan(
    db: OutboxDatabase,
    job: RecurringJob,
    cron: Cron,
    occurrence: Date,
    dueAt = occurrence,
  ): Promise<boolean> {
    const [previous] = await db.$queryRawUnsafe<{ at: Date }[]>(
      `SELECT max((payload->'data'->>'scheduledFor')::timestamptz) AS at FROM ${JOBS_TABLE}
       WHERE service = $1 AND schedule = $2 AND due_at < $3`,
      this.service,
      job.name,
      occurrence,
    );
    const since = previous?.at ?? cron.previousRuns(1, occurrence)[0] ?? occurrence;
    const event = createEvent(
      job.event,
      { schedule: job.name, scheduledFor: occurrence.toISOString(), since: new Date(since).toISOString() },
      {
        id: this.idOf(job, occurrence),
        correlationId: `schedule:${this.service}:${job.name}`,
        occurredAt: occurrence,
      },
    );
    return scheduleJob(db, { service: this.service, event, dueAt, schedule: job.name });
  }

  private idOf(job: RecurringJob, occurrence: Date) {
    return jobId(`${this.service}/${job.name}/${occurrence.toISOString()}`);
  }
}
