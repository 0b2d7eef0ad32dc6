import type { PrismaClient } from '@shop/shared/database';
import { gaugeOnScrape } from '@shop/shared/metrics';

/** A count at most this old is good enough to decide on backpressure. */
const FRESH_FOR_MS = 500;

/**
 * How many events wait in the outbox, and how long the oldest has waited.
 * Checkout refuses new orders (503) while the backlog is over its limit: when
 * the broker has been away long enough for that, accepting more orders only
 * makes a longer queue of shoppers waiting for emails that cannot go out.
 * The count is cached briefly so a burst of orders costs one query, so the
 * limit can be overshot by the orders of one such interval.
 */
export class OutboxBacklog {
  private counted: { at: number; waiting: number } | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    readonly limit: number,
  ) {
    gaugeOnScrape('shop_outbox_backlog', 'Events in the outbox not yet published', () => this.waiting());
    gaugeOnScrape(
      'shop_outbox_oldest_age_seconds',
      'Age of the oldest unpublished event (relay lag); 0 when none waits',
      () => this.oldestAgeSeconds(),
    );
  }

  async waiting(): Promise<number> {
    if (this.counted && Date.now() - this.counted.at < FRESH_FOR_MS) return this.counted.waiting;
    const waiting = await this.prisma.outboxMessage.count({ where: { publishedAt: null } });
    this.counted = { at: Date.now(), waiting };
    return waiting;
  }

  async isFull(): Promise<{ full: boolean; waiting: number }> {
    const waiting = await this.waiting();
    return { full: waiting >= this.limit, waiting };
  }

  private async oldestAgeSeconds(): Promise<number> {
    const oldest = await this.prisma.outboxMessage.findFirst({
      where: { publishedAt: null },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    });
    return oldest ? (Date.now() - oldest.createdAt.getTime()) / 1000 : 0;
  }
}
