import { gaugeOnScrape, labelledGaugeOnScrape } from '@shared/core/metrics';
import { type OutboxDatabase, outboxTable } from './outbox-table';

/** A count at most this old is good enough to decide on backpressure. */
const FRESH_FOR_MS = 500;

/**
 * How many events wait in the outbox, and how long the oldest has waited
 * (parked rows aside: they wait for an operator, not for the broker).
 * Checkout refuses new orders (503) while the backlog is over its limit: when
 * the broker has been away long enough for that, accepting more orders only
 * makes a longer queue of shoppers waiting for emails that cannot go out.
 * The count is cached briefly so a burst of orders costs one query, so the
 * limit can be overshot by the orders of one such interval.
 */
export class OutboxBacklog {
  private counted: { at: number; waiting: number } | undefined;
  private readonly table: string;

  constructor(
    private readonly db: OutboxDatabase,
    table: string,
    readonly limit: number,
  ) {
    this.table = outboxTable(table);
    gaugeOnScrape('shop_outbox_backlog', 'Events in the outbox waiting to be published', () =>
      this.waiting(),
    );
    labelledGaugeOnScrape(
      'shop_outbox_published',
      'Events published from the outbox, by type (the left side of the conservation of events)',
      ['type'],
      () => this.publishedByType(),
    );
    gaugeOnScrape(
      'shop_outbox_parked',
      'Events the relay stopped trying after too many failed publishes; an operator decides',
      () => this.parked(),
    );
    gaugeOnScrape(
      'shop_outbox_oldest_age_seconds',
      'Age of the oldest unpublished event (relay lag); 0 when none waits',
      () => this.oldestAgeSeconds(),
    );
  }

  async waiting(): Promise<number> {
    if (this.counted && Date.now() - this.counted.at < FRESH_FOR_MS) return this.counted.waiting;
    const [row] = await this.db.$queryRawUnsafe<{ waiting: number }[]>(
      `SELECT count(*)::int AS waiting FROM ${this.table} WHERE published_at IS NULL AND parked_at IS NULL`,
    );
    const waiting = row?.waiting ?? 0;
    this.counted = { at: Date.now(), waiting };
    return waiting;
  }

  async isFull(): Promise<{ full: boolean; waiting: number }> {
    const waiting = await this.waiting();
    return { full: waiting >= this.limit, waiting };
  }

  private async oldestAgeSeconds(): Promise<number> {
    const [row] = await this.db.$queryRawUnsafe<{ age: number | null }[]>(
      `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age
       FROM ${this.table} WHERE published_at IS NULL AND parked_at IS NULL`,
    );
    return Math.max(0, row?.age ?? 0);
  }

  private async publishedByType() {
    const rows = await this.db.$queryRawUnsafe<{ type: string; n: number }[]>(
      `SELECT type, count(*)::int AS n FROM ${this.table} WHERE published_at IS NOT NULL GROUP BY type`,
    );
    return rows.map(({ type, n }) => ({ labels: { type }, value: n }));
  }

  /** Parked rows are not waiting: they are counted apart, and do not hold new orders back. */
  async parked(): Promise<number> {
    const [row] = await this.db.$queryRawUnsafe<{ parked: number }[]>(
      `SELECT count(*)::int AS parked FROM ${this.table} WHERE parked_at IS NOT NULL AND published_at IS NULL`,
    );
    return row?.parked ?? 0;
  }
}
