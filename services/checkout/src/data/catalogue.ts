import type { Logger } from '@shared/core/logging';
import { NotificationListener } from '@shared/core/postgres';
import type { PrismaClient } from '@shop/contracts/database';
import type { Product } from '../domain/pricing';
import { database } from './database-errors';

/** NOTIFY'd by a trigger on checkout.products on every change (migration products_changed_notify). */
const CHANNEL = 'checkout_products_changed';

/**
 * The catalogue, read once and kept in memory while a change would be heard
 * of: a trigger NOTIFYs on every change to checkout.products, and the next
 * order reads the table again. While the LISTEN connection is down the cache
 * is not trusted and every order reads the table, so a price is never older
 * than the order's own read would have been. Prices still come only from
 * here, never from a request.
 */
export class Catalogue {
  private cached: Promise<Map<string, Product>> | undefined;
  private readonly listener: NotificationListener;

  constructor(
    private readonly prisma: PrismaClient,
    databaseUrl: string,
    log: Logger,
  ) {
    this.listener = new NotificationListener(databaseUrl, CHANNEL, () => this.forget(), log);
  }

  start(): void {
    this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  list(): Promise<Product[]> {
    return database(() => this.prisma.product.findMany({ orderBy: { sku: 'asc' } }));
  }

  /** The products of these SKUs (unknown ones are absent). */
  async find(skus: string[]): Promise<Product[]> {
    if (!this.listener.listening) {
      return database(() => this.prisma.product.findMany({ where: { sku: { in: skus } } }));
    }
    this.cached ??= this.load();
    const bySku = await this.cached;
    return skus.flatMap((sku) => bySku.get(sku) ?? []);
  }

  private load(): Promise<Map<string, Product>> {
    const loading = this.list().then(
      (products) => new Map(products.map((product) => [product.sku, product])),
    );
    // A failed read is not kept: the next order tries again.
    loading.catch(() => {
      if (this.cached === loading) this.cached = undefined;
    });
    return loading;
  }

  private forget() {
    this.cached = undefined;
  }
}
