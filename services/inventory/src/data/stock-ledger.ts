import { Prisma, type PrismaClient, type TransactionClient } from '@shop/shared/database';
import { type Allocation, allocateStock, type OrderedQuantity } from '../domain/allocate-stock';

export interface StockLevel {
  sku: string;
  onHand: number;
  backordered: number;
}

/**
 * Records one movement per SKU of an order and moves the stock, inside the
 * caller's transaction (the inbox's). Returns the order's allocations; if the
 * order already has movements (its event arrived again under another id),
 * returns those and changes nothing.
 */
export async function reserveStock(
  tx: TransactionClient,
  orderId: string,
  quantities: OrderedQuantity[],
): Promise<Allocation[]> {
  const existing = await movementsOf(tx, orderId);
  if (existing.length > 0) return existing;

  const skus = quantities.map(({ sku }) => sku);
  // A SKU inventory has never heard of (added to the catalogue, not yet
  // stocked) starts at zero, so its whole quantity is backordered and visible
  // rather than the paid order being parked in the DLQ.
  await tx.stockItem.createMany({ data: skus.map((sku) => ({ sku, onHand: 0 })), skipDuplicates: true });
  const rows = await tx.$queryRaw<{ sku: string; on_hand: number }[]>`
    SELECT sku, on_hand FROM inventory.stock_items
    WHERE sku IN (${Prisma.join(skus)})
    ORDER BY sku
    FOR UPDATE`;
  const onHand = new Map(rows.map((row) => [row.sku, row.on_hand]));

  const allocations = quantities.map((ordered) => allocateStock(onHand.get(ordered.sku) ?? 0, ordered));
  for (const { sku, served, backordered } of allocations) {
    await tx.stockItem.update({
      where: { sku },
      data: { onHand: { decrement: served }, backordered: { increment: backordered } },
    });
  }
  await tx.stockMovement.createMany({
    data: allocations.map(({ sku, quantity, backordered }) => ({ orderId, sku, quantity, backordered })),
  });
  return allocations;
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
