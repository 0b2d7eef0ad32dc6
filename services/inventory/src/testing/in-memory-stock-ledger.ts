import type { InboxClaim } from '@shared/messaging';
import type { InMemoryInbox } from '@shared/messaging/testing';
import type { StockLedger } from '../data/stock-ledger';
import type { Allocation, OrderedQuantity } from '../domain/allocate-stock';

/**
 * Stock levels and movements in memory, with the rules of `reserveStockOnce`:
 * nothing moves unless the inbox claim is taken and the order has no
 * movements yet; what is on hand is served, the rest backordered.
 */
export class InMemoryStockLedger implements StockLedger {
  readonly onHand = new Map<string, number>();
  readonly backordered = new Map<string, number>();
  readonly movements = new Map<string, Allocation[]>();

  constructor(
    private readonly inbox: InMemoryInbox,
    stock: Record<string, number> = {},
  ) {
    for (const [sku, units] of Object.entries(stock)) this.onHand.set(sku, units);
  }

  async ensure(skus: string[]): Promise<void> {
    for (const sku of skus) if (!this.onHand.has(sku)) this.onHand.set(sku, 0);
  }

  async reserveOnce(
    claim: InboxClaim,
    orderId: string,
    quantities: OrderedQuantity[],
  ): Promise<Allocation[]> {
    if (!this.inbox.take(claim) || this.movements.has(orderId)) return [];
    const allocations = quantities.map(({ sku, quantity }) => {
      const served = Math.max(0, Math.min(this.onHand.get(sku) ?? 0, quantity));
      this.onHand.set(sku, (this.onHand.get(sku) ?? 0) - served);
      this.backordered.set(sku, (this.backordered.get(sku) ?? 0) + quantity - served);
      return { sku, quantity, served, backordered: quantity - served };
    });
    this.movements.set(orderId, allocations);
    return allocations;
  }

  async movementsOf(orderId: string): Promise<Allocation[]> {
    return this.movements.get(orderId) ?? [];
  }
}
