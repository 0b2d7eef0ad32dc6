import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../logging';
import { type Rate, windowsOf } from './rate';

/**
 * The limiter's own small pool. Its commits do not wait for the WAL to reach
 * disk (synchronous_commit off, for these sessions only): a window's count
 * lives for 100 ms, and a crash that forgets the last few turns lets a few
 * more sends through once, which is cheaper than a disk flush per send.
 */
export function rateLimitPool(databaseUrl: string): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max: 2, options: '-c synchronous_commit=off' });
}

/** Who asks for a turn: the main work queue goes before the job queue. */
export type Priority = 'main' | 'jobs';

/**
 * One rate shared by every replica of a service, counted in Postgres
 * (rate-limiter-flexible's store, table runtime.rate_limits), so three email
 * replicas together still send "10/s".
 *
 * `acquire` resolves when the caller may go: the runtime asks before it runs
 * a handler, so waiting is never an attempt and never times one out. Waiters
 * of this process queue locally, the main queue's first, and one turn at a
 * time is asked of the store. If Postgres does not answer, the same rate is
 * counted in memory for this replica alone until it does (the library's
 * insurance limiter), so a database outage slows the service rather than
 * stopping it or lifting the limit.
 */
export class SharedRateLimiter {
  private readonly limiter: RateLimiterPostgres;
  private readonly waiting: Record<Priority, { resolve: () => void; reject: (error: Error) => void }[]> = {
    main: [],
    jobs: [],
  };
  private pumping = false;
  private closed = false;

  constructor(
    pool: pg.Pool,
    private readonly key: string,
    readonly rate: Rate,
    private readonly log: Logger,
  ) {
    const { points, windowMs } = windowsOf(rate);
    const duration = windowMs / 1000;
    this.limiter = new RateLimiterPostgres({
      storeClient: pool,
      schemaName: 'runtime',
      tableName: 'rate_limits',
      // The table is the runtime's, created by migration.
      tableCreated: true,
      keyPrefix: 'rate',
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
  }

  /** Resolves at this caller's turn; rejects once the limiter is closed (the process stops). */
  acquire(priority: Priority): Promise<void> {
    if (this.closed) return Promise.reject(new Error('rate limiter closed'));
    return new Promise((resolve, reject) => {
      this.waiting[priority].push({ resolve, reject });
      void this.pump();
    });
  }

  /** Callers waiting now, for tests and logs. */
  get queued(): number {
    return this.waiting.main.length + this.waiting.jobs.length;
  }

  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiting.main, ...this.waiting.jobs]) {
      waiter.reject(new Error('rate limiter closed'));
    }
    this.waiting.main = [];
    this.waiting.jobs = [];
  }

  private next() {
    return this.waiting.main.shift() ?? this.waiting.jobs.shift();
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queued > 0) {
        const waitMs = await this.take();
        if (waitMs === 0) this.next()?.resolve();
        else await sleep(waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** 0 when a turn was granted, else how long to wait before asking again. */
  private async take(): Promise<number> {
    try {
      await this.limiter.consume(this.key, 1);
      return 0;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
      this.log.warn({ err: refusal }, 'rate limiter failed; trying again');
      return 100;
    }
  }
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
