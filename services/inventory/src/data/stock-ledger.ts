import type { InboxClaim } from '@shared/messaging';
import { inboxClaim, type PrismaClient, type TransactionClient } from '@shop/contracts/database';
import type { Allocation, OrderedQuantity } from '../domain/allocate-stock';

export interface StockLevel {
  sku: string;
  onHand: number;
  backordered: number;
}

/** What reserving stock needs of the ledger; unit tests give it one in memory. */
export interface StockLedger {
  ensure(skus: string[]): Promise<void>;
  reserveOnce(claim: InboxClaim, orderId: string, quantities: OrderedQuantity[]): Promise<Allocation[]>;
  movementsOf(orderId: string): Promise<Allocation[]>;
}

/** The ledger in Postgres, through `StockItems` and the functions below. */
export function stockLedgerIn(prisma: PrismaClient): StockLedger {
  const stockItems = new StockItems(prisma);
  return {
    ensure: (skus) => stockItems.ensure(skus),
    reserveOnce: (claim, orderId, quantities) => reserveStockOnce(prisma, claim, orderId, quantities),
    movementsOf: (orderId) => movementsOf(prisma, orderId),
  };
}

/**
 * Makes sure each SKU has a stock row, at zero when inventory has never
 * heard of it (added to the catalogue, not yet stocked): its whole quantity
 * is then backordered and visible, rather than the paid order being parked
 * in the DLQ. Rows are never deleted, so a SKU seen once needs no query again.
 */
export class StockItems {
  private readonly known = new Set<string>();

  constructor(private readonly prisma: PrismaClient) {}

  async ensure(skus: string[]): Promise<void> {
    const unknown = skus.filter((sku) => !this.known.has(sku));
    if (unknown.length === 0) return;
    await this.prisma.$executeRaw`
      INSERT INTO inventory.stock_items (sku, on_hand) SELECT unnest(${unknown}::text[]), 0
      ON CONFLICT (sku) DO NOTHING`;
    for (const sku of unknown) this.known.add(sku);
  }
}

/**
 * Moves the stock for an order and records one movement per SKU, with the
 * inbox claim, in one statement: the whole reservation holds its row locks
 * for one round trip only, which is what lets many orders for the same
 * popular SKUs go through one after another quickly. The rows are locked in
 * SKU order (`quantities` comes sorted), so two orders never deadlock.
 *
 * The allocation rule is the one of domain/allocate-stock.ts, applied where
 * the locked numbers are: serve what is on hand, backorder the rest; stock
 * never goes below zero and a paid order is never refused.
 *
 * Returns the allocations, or nothing when the event was handled before or
 * the order already has movements (its event arrived again under another id).
 */
export async function reserveStockOnce(
  prisma: PrismaClient,
  claim: InboxClaim,
  orderId: string,
  quantities: OrderedQuantity[],
): Promise<Allocation[]> {
  return prisma.$queryRaw<Allocation[]>`
    WITH claim AS (${inboxClaim(claim)}),
    fresh AS (
      SELECT 1 FROM claim
      WHERE NOT EXISTS (SELECT 1 FROM inventory.stock_movements WHERE order_id = ${orderId}::uuid)
    ),
    locked AS (
      SELECT stock.sku, stock.on_hand, ordered.quantity
      FROM inventory.stock_items AS stock
      JOIN unnest(${quantities.map(({ sku }) => sku)}::text[], ${quantities.map(({ quantity }) => quantity)}::int[])
        AS ordered(sku, quantity) ON ordered.sku = stock.sku
      WHERE EXISTS (SELECT 1 FROM fresh)
      ORDER BY stock.sku
      FOR UPDATE OF stock
    ),
    allocation AS (
      SELECT sku, quantity, GREATEST(0, LEAST(on_hand, quantity)) AS served,
             quantity - GREATEST(0, LEAST(on_hand, quantity)) AS backordered
      FROM locked
    ),
    moved AS (
      UPDATE inventory.stock_items AS stock
      SET on_hand = stock.on_hand - allocation.served, backordered = stock.backordered + allocation.backordered
      FROM allocation WHERE stock.sku = allocation.sku
    ),
    recorded AS (
      INSERT INTO inventory.stock_movements (id, order_id, sku, quantity, backordered)
      SELECT gen_random_uuid(), ${orderId}::uuid, sku, quantity, backordered FROM allocation
    )
    SELECT sku, quantity, served, backordered FROM allocation ORDER BY sku`;
}

/** The allocations recorded for an order, one per SKU. */
export async function movementsOf(
  db: PrismaClient | TransactionClient,
  orderId: string,
): Promise<Allocation[]> {
  const movements = await db.stockMovement.findMany({ where: { orderId }, orderBy: { sku: 'asc' } });
  return movements.map(({ sku, quantity, backordered }) => ({
    sku,
    quantity,
    backordered,
    served: quantity - backordered,
  }));
}

export function listStockLevels(prisma: PrismaClient): Promise<StockLevel[]> {
  return prisma.stockItem.findMany({ orderBy: { sku: 'asc' } });
}

export function findStockLevel(prisma: PrismaClient, sku: string): Promise<StockLevel | null> {
  return prisma.stockItem.findUnique({ where: { sku } });
}
