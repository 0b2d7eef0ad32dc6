import { errorMessage } from '@shared/core/errors';
import type { Logger } from '@shared/core/logging';
import { continueTrace } from '@shared/core/tracing';
import type { EventEnvelope } from '../events';
import type { EventPublisher } from './event-publisher';
import { type OutboxDatabase, outboxTable } from './outbox-table';
import { withTimeout } from './publish-timeout';
import { PublishedMarks } from './published-marks';
import { type ClaimedRow, type RelayStatements, relayStatements } from './relay-statements';

export interface OutboxRelayOptions {
  /** The outbox table, schema-qualified: "checkout.outbox". */
  table: string;
  pollMs: number;
  batchSize: number;
  /** A publish without a confirm by then counts as failed; the row is retried. */
  publishTimeoutMs?: number;
  /** How long marks of published rows may wait to be written together. */
  markDelayMs?: number;
  /** Failed publishes after which a row is parked: the relay stops trying it (a poison row). */
  maxAttempts?: number;
  /**
   * Only the rows of this service, for a table several services share (the
   * runtime's scheduled jobs, which has a `service` column).
   */
  service?: string;
}

/** A failed row waits 0.5 s, 1 s, 2 s... up to 30 s before its next attempt. */
export const backoffMs = (attempts: number) => Math.min(500 * 2 ** Math.max(attempts - 1, 0), 30_000);

/**
 * Publishes what the application committed to its outbox, at least once.
 *
 * Two ways in, one rule: a row is published only by the relay that holds its
 * lease (`next_attempt_at` in the future), and marked published only after
 * the broker's confirm.
 *
 * - The fast way: the writer inserts its row already leased to this relay
 *   (`leaseMs`) and hands the event over after the commit (`publishCommitted`);
 *   it goes out at once, with no query to find it.
 * - The sweep: a pass claims due rows in one statement (`FOR UPDATE SKIP
 *   LOCKED`, the claim moving their lease ahead), publishes the batch at once,
 *   then awaits the confirms. It picks up what the fast way could not finish:
 *   a failed publish after its backoff, the rows of a relay that died, rows
 *   written while the broker was away.
 *
 * Confirmed rows are marked published in batches; a failed one gets a
 * backoff. A relay that dies before marking leaves its rows to be published
 * again when their lease runs out; consumers drop the duplicate by event id.
 * Any number of relays (checkout replicas) work side by side this way.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly sql: RelayStatements;
  private readonly publishTimeoutMs: number;
  private readonly marks: PublishedMarks;
  private readonly publishing = new Set<Promise<void>>();

  constructor(
    private readonly db: OutboxDatabase,
    private readonly broker: EventPublisher,
    private readonly log: Logger,
    private readonly options: OutboxRelayOptions,
  ) {
    this.sql = relayStatements(outboxTable(options.table), options.service);
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.marks = new PublishedMarks(
      db,
      this.sql.published,
      log,
      options.batchSize,
      options.markDelayMs ?? 20,
    );
  }

  /** Rows this relay has marked published; a number for tests and logs. */
  get publishedCount(): number {
    return this.marks.count;
  }

  /** How long a row is a relay's alone once claimed. */
  get leaseMs(): number {
    return this.publishTimeoutMs + 5_000;
  }

  /**
   * The lease a writer gives the row it is about to commit: this relay's,
   * while it runs and the broker is there to publish at once; otherwise none,
   * so the row is due for the sweep (of this relay or another) right away.
   */
  leaseForNewRow(): number {
    return this.running && !this.stopped && this.broker.canPublish ? this.leaseMs : 0;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /**
   * The writer committed `event` in a row it leased to this relay: publish it
   * now. Never throws; a failure is recorded on the row and the sweep retries.
   * `traceparent` is the one the writer stored with the row.
   */
  publishCommitted(event: EventEnvelope, traceparent: string | null = null): void {
    if (!this.running) return;
    // On the next turn of the event loop, so the writer's answer goes out first.
    const work = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.stopped || !this.broker.canPublish
        ? this.release(event.id)
        : this.publishRows([{ id: event.id, payload: event, attempts: 0, traceparent }]),
    );
    this.publishing.add(work);
    void work.finally(() => this.publishing.delete(work));
  }

  /** Publishes rows already claimed, marks the confirmed ones, and backs off the rest. */
  private async publishRows(
    rows: Pick<ClaimedRow, 'id' | 'payload' | 'attempts' | 'traceparent'>[],
  ): Promise<void> {
    // Every publish goes out before the first confirm is awaited, each in the trace of its row.
    const results = await Promise.allSettled(
      rows.map((row) =>
        continueTrace(row.traceparent, () =>
          withTimeout(this.broker.publish(row.payload), this.publishTimeoutMs),
        ),
      ),
    );
    for (const [index, result] of results.entries()) {
      const row = rows[index]!;
      if (result.status === 'fulfilled') {
        this.marks.add(row.id);
        continue;
      }
      const attempts = row.attempts + 1;
      const park = attempts >= (this.options.maxAttempts ?? Number.POSITIVE_INFINITY);
      if (park) {
        this.log.error(
          { err: result.reason, eventId: row.id, attempts },
          'publish failed too often; row parked',
        );
      } else {
        this.log.warn({ err: result.reason, eventId: row.id, attempts }, 'publish failed; will retry');
      }
      await this.db
        .$executeRawUnsafe(
          park ? this.sql.parked : this.sql.failed,
          row.id,
          attempts,
          errorMessage(result.reason),
          backoffMs(attempts),
        )
        .catch((error: unknown) =>
          this.log.warn({ err: error, eventId: row.id }, 'could not record a failed publish'),
        );
    }
    this.marks.schedule();
  }

  /** Hands a leased row back to the sweep at once (the broker went away between lease and publish). */
  private async release(id: string): Promise<void> {
    await this.db.$executeRawUnsafe(this.sql.release, id).catch((error: unknown) => {
      this.log.warn({ err: error, eventId: id }, 'could not release a row; it is due when its lease ends');
    });
    this.notify();
  }

  /** Finishes what is in flight, writes the last marks, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
    await Promise.all(this.publishing);
    await this.marks.flush();
  }

  private async loop() {
    let failures = 0;
    while (!this.stopped) {
      let fullBatch = false;
      try {
        // While RabbitMQ is away, or blocks publishers (a memory or disk alarm), a publish
        // could not be confirmed: claiming rows would only count failed attempts and pile
        // up publishes waiting in the connection's buffer. Wait for it instead.
        if (this.broker.canPublish) fullBatch = (await this.sweep()) === this.options.batchSize;
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: error, failures }, 'outbox relay pass failed; backing off');
      }
      if (!fullBatch) await this.sleep(failures > 0 ? backoffMs(failures) : this.options.pollMs);
    }
  }

  /** One sweep: claim due rows, publish them. Returns how many it claimed. */
  private async sweep(): Promise<number> {
    const claimed = await this.db.$queryRawUnsafe<ClaimedRow[]>(
      this.sql.claim,
      this.options.batchSize,
      this.leaseMs,
    );
    if (claimed.length === 0) return 0;
    await this.publishRows(claimed.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()));
    this.log.debug({ claimed: claimed.length }, 'outbox sweep');
    return claimed.length;
  }

  /** Wakes the sweep before its next poll (a test, or a writer that could not lease its row). */
  notify(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
