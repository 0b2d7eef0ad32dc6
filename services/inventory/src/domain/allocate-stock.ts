export interface OrderedQuantity {
  sku: string;
  quantity: number;
}

export interface Allocation {
  sku: string;
  quantity: number;
  /** Served from stock. */
  served: number;
  /** Could not be served: the customer has paid, so it waits for a restock instead of being refused. */
  backordered: number;
}

/**
 * Serves what is on hand and backorders the rest. Stock never goes below
 * zero and an order is never refused: payment has already happened, so a
 * shortage becomes a backorder someone can act on.
 */
export function allocateStock(onHand: number, ordered: OrderedQuantity): Allocation {
  const served = Math.max(0, Math.min(onHand, ordered.quantity));
  return { sku: ordered.sku, quantity: ordered.quantity, served, backordered: ordered.quantity - served };
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
