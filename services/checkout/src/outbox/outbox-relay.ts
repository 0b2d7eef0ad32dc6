import type { PrismaClient } from '@shop/shared/database';
import { errorMessage } from '@shop/shared/errors';
import type { EventEnvelope } from '@shop/shared/events';
import type { Logger } from '@shop/shared/logging';

/** The one thing the relay needs from the broker: a publish that resolves only after the confirm. */
export interface EventPublisher {
  readonly connected: boolean;
  publish(event: EventEnvelope): Promise<void>;
}

export interface OutboxRelayOptions {
  pollMs: number;
  batchSize: number;
  /** A publish without a confirm by then counts as failed; the row is retried. */
  publishTimeoutMs?: number;
}

interface ClaimedRow {
  id: string;
  payload: EventEnvelope;
  attempts: number;
}

/** A failed row waits 0.5 s, 1 s, 2 s... up to 30 s before its next attempt. */
export const backoffMs = (attempts: number) => Math.min(500 * 2 ** Math.max(attempts - 1, 0), 30_000);

/**
 * Publishes what checkout committed to its outbox.
 *
 * Each pass claims a batch of due rows with `FOR UPDATE SKIP LOCKED`, so any
 * number of checkout replicas can relay side by side without two of them
 * taking the same row. A row is marked published only after the broker's
 * confirm, inside the transaction that holds its lock. A crash before that
 * commit releases the lock and leaves the row unpublished: the next pass
 * publishes it again (at-least-once; consumers drop the duplicate by event id).
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  /** Rows this relay has marked published; a number for tests and logs. */
  publishedCount = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly broker: EventPublisher,
    private readonly log: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** A new row was committed: publish now rather than at the next poll. */
  notify(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Finishes the batch in progress, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
  }

  private async loop() {
    let failures = 0;
    while (!this.stopped) {
      let fullBatch = false;
      try {
        // While RabbitMQ is away, claiming rows would only count failed attempts; wait for it instead.
        if (this.broker.connected) fullBatch = (await this.relayBatch()) === this.options.batchSize;
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: error, failures }, 'outbox relay pass failed; backing off');
      }
      if (!fullBatch) await this.sleep(failures > 0 ? backoffMs(failures) : this.options.pollMs);
    }
  }

  /** One pass: claim, publish, mark. Returns how many rows it claimed. */
  private async relayBatch(): Promise<number> {
    const publishTimeoutMs = this.options.publishTimeoutMs ?? 10_000;
    return this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<ClaimedRow[]>`
          SELECT id::text AS id, payload, attempts
          FROM checkout.outbox
          WHERE published_at IS NULL AND next_attempt_at <= now()
          ORDER BY created_at
          LIMIT ${this.options.batchSize}
          FOR UPDATE SKIP LOCKED`;
        const results = await Promise.allSettled(
          rows.map((row) => withTimeout(this.broker.publish(row.payload), publishTimeoutMs)),
        );
        const published = rows
          .filter((_, index) => results[index]!.status === 'fulfilled')
          .map((row) => row.id);
        if (published.length > 0) {
          await tx.$executeRaw`
            UPDATE checkout.outbox SET published_at = now()
            WHERE id = ANY(${published}::uuid[])`;
        }
        for (const [index, result] of results.entries()) {
          if (result.status === 'fulfilled') continue;
          const row = rows[index]!;
          const attempts = row.attempts + 1;
          await tx.$executeRaw`
            UPDATE checkout.outbox
            SET attempts = ${attempts}, last_error = ${errorMessage(result.reason)},
                next_attempt_at = now() + ${backoffMs(attempts)} * interval '1 millisecond'
            WHERE id = ${row.id}::uuid`;
          this.log.warn({ err: result.reason, eventId: row.id, attempts }, 'publish failed; will retry');
        }
        this.publishedCount += published.length;
        if (rows.length > 0)
          this.log.debug({ claimed: rows.length, published: published.length }, 'outbox pass');
        return rows.length;
      },
      // The lock is held while publishing, so the transaction may outlive Prisma's 5 s default.
      { timeout: publishTimeoutMs + 5_000 },
    );
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no broker confirm within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
