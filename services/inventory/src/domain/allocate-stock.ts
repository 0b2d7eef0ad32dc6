export interface OrderedQuantity {
  sku: string;
  quantity: number;
}

/**
 * What became of one SKU of an order. The rule (applied in
 * data/stock-ledger.ts, on the locked stock numbers): what is on hand is
 * served and the rest is backordered. Stock never goes below zero and an
 * order is never refused: payment has already happened, so a shortage
 * becomes a backorder someone can act on.
 */
export interface Allocation {
  sku: string;
  quantity: number;
  /** Served from stock. */
  served: number;
  /** Could not be served: the customer has paid, so it waits for a restock instead of being refused. */
  backordered: number;
}

/**
 * One quantity per SKU, in a fixed order. Movements are unique per (order,
 * SKU), and locking rows in the same order in every transaction means two
 * orders for the same SKUs can never deadlock.
 */
export function quantitiesBySku(lines: readonly OrderedQuantity[]): OrderedQuantity[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of lines) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals]
    .map(([sku, quantity]) => ({ sku, quantity }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}
