import type { EventOf, HandlerContext } from '@shared/messaging';
import type { TransactionClient } from '@shop/contracts/database';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import type { StockLedger } from '../data/stock-ledger';
import { quantitiesBySku } from '../domain/allocate-stock';

export interface ReserveStockDeps extends HandlerContext<TransactionClient> {
  stock: StockLedger;
}

/**
 * Stock movements, stock levels and the inbox record commit together in one
 * statement, or not at all. Returns what `inventory.stock.reserved` reports:
 * for a duplicate, the movements recorded the first time, so a lost report
 * is repaired.
 */
export async function reserveStockWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: ReserveStockDeps,
) {
  const { orderId, items } = event.data;
  const quantities = quantitiesBySku(items);
  await deps.stock.ensure(quantities.map(({ sku }) => sku));
  const reserved = await deps.stock.reserveOnce(deps.inbox.claim, orderId, quantities);
  const allocations = reserved.length > 0 ? reserved : await deps.stock.movementsOf(orderId);
  return { lines: allocations.map(({ sku, quantity, backordered }) => ({ sku, quantity, backordered })) };
}
