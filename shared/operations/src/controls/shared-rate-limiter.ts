import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@shared/core/logging';
import type { Priority } from '@shared/messaging';
import pg from 'pg';
import { type Rate, spacingOf } from './rate';

/** Longer than this, Postgres is not answering: the turn is counted in memory instead. */
const STORE_TIMEOUT_MS = 2_000;
/** After Postgres failed to answer, how long this replica counts alone before asking it again. */
const ALONE_FOR_MS = 1_000;

/**
 * The limiter's own small pool. Its commits do not wait for the WAL to reach
 * disk (synchronous_commit off, for these sessions only): a Postgres crash
 * may forget the last turns it gave, well under a second of them, which the
 * replicas, counting alone while it restarts, would overrun anyway; a disk
 * flush per turn would cost more than the turn.
 */
export function rateLimitPool(databaseUrl: string): pg.Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    options: '-c synchronous_commit=off',
    connectionTimeoutMillis: STORE_TIMEOUT_MS,
    query_timeout: STORE_TIMEOUT_MS,
  });
}

/**
 * One turn, in one statement on the key's row: the later of the row's next
 * turn and the database's clock, read once the row is locked, and the row
 * moved on by the spacing. Two replicas asking at once queue on the row, so
 * no two turns are ever closer than the spacing, whatever the replicas'
 * clocks say. Returns the turn (ms since the epoch, database clock) and how
 * long from now until it comes.
 */
const TAKE_TURN = `
  INSERT INTO runtime.rate_limits AS limits (key, next_at)
  VALUES ($1, clock_timestamp() + $2::float8 * interval '1 microsecond')
  ON CONFLICT (key) DO UPDATE
  SET next_at = greatest(limits.next_at, clock_timestamp()) + $2::float8 * interval '1 microsecond'
  RETURNING
    (extract(epoch FROM limits.next_at - $2::float8 * interval '1 microsecond') * 1000)::float8 AS at,
    (extract(epoch FROM limits.next_at - $2::float8 * interval '1 microsecond' - clock_timestamp()) * 1000)::float8
      AS wait_ms`;

interface Waiter {
  resolve: (at: number) => void;
  reject: (error: Error) => void;
}

/**
 * One rate shared by every replica of a service, so three email replicas
 * together still send "10/s": in any span of one period (any second of
 * "10/s", start included, end excluded) at most that many turns, across all
 * of them. Turns are spaced evenly (generic cell rate, with no burst), each
 * one reserved in Postgres by one atomic statement (`TAKE_TURN`, table
 * runtime.rate_limits). Written by hand: rate-limiter-flexible counts fixed
 * windows, which let up to twice the count through across a window's edge
 * (docs/decisions.md).
 *
 * `acquire` resolves at the caller's turn: the runtime asks before it runs a
 * handler, so waiting is never an attempt and never times one out. Waiters
 * of this process queue locally, the main queue's first, and one turn at a
 * time is reserved; it goes to whoever heads the queue when it comes. If
 * Postgres does not answer, turns are spaced the same way in memory, for
 * this replica alone, until it does: an outage slows the service rather than
 * stopping it, though replicas then each take the whole rate.
 */
export class SharedRateLimiter {
  private readonly spacingMs: number;
  private readonly spacingUs: number;
  private readonly waiting: Record<Priority, Waiter[]> = { main: [], jobs: [] };
  private readonly closing = new AbortController();
  private pumping = false;
  /** This replica's next turn in memory (performance.now() time), kept in step with the shared one. */
  private nextLocalTurn = 0;
  /** Until when turns are counted in memory (performance.now() time): Postgres failed to answer. */
  private aloneUntil: number | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly key: string,
    readonly rate: Rate,
    private readonly log: Logger,
  ) {
    this.spacingUs = spacingOf(rate);
    this.spacingMs = this.spacingUs / 1_000;
  }

  /**
   * Resolves at this caller's turn, with the turn's time (ms since the epoch,
   * on the database's clock; on this replica's while Postgres does not
   * answer). Rejects once the limiter is closed (the process stops).
   */
  acquire(priority: Priority): Promise<number> {
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

  /** Waiters are released with a rejection; a turn reserved and not yet come goes unused. */
  close(): void {
    this.closing.abort();
    for (const waiter of [...this.waiting.main, ...this.waiting.jobs]) {
      waiter.reject(new Error('rate limiter closed'));
    }
    this.waiting.main = [];
    this.waiting.jobs = [];
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queued > 0) {
        const turn = await this.takeTurn();
        if (turn.waitMs > 0) {
          await sleep(turn.waitMs, undefined, { signal: this.closing.signal }).catch(() => {});
        }
        if (this.closed) break;
        (this.waiting.main.shift() ?? this.waiting.jobs.shift())?.resolve(turn.at);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async takeTurn(): Promise<{ at: number; waitMs: number }> {
    if (this.aloneUntil !== undefined && performance.now() < this.aloneUntil) return this.localTurn();
    try {
      // Named, so each connection prepares it once.
      const { rows } = await this.pool.query<{ at: number; wait_ms: number }>({
        name: 'rate-limit-turn',
        text: TAKE_TURN,
        values: [this.key, this.spacingUs],
      });
      const { at, wait_ms } = rows[0]!;
      if (this.aloneUntil !== undefined) {
        this.aloneUntil = undefined;
        this.log.info('Postgres answers again: turns are shared by every replica');
      }
      const waitMs = Math.max(0, wait_ms);
      this.nextLocalTurn = performance.now() + waitMs + this.spacingMs;
      return { at, waitMs };
    } catch (error) {
      if (this.aloneUntil === undefined) {
        this.log.warn({ err: error }, 'Postgres does not answer: this replica counts its turns alone');
      }
      this.aloneUntil = performance.now() + ALONE_FOR_MS;
      return this.localTurn();
    }
  }

  private localTurn(): { at: number; waitMs: number } {
    const now = performance.now();
    const turn = Math.max(now, this.nextLocalTurn);
    this.nextLocalTurn = turn + this.spacingMs;
    return { at: performance.timeOrigin + turn, waitMs: turn - now };
  }
}
