import type { EventOf, InboxClaim } from '@shared/messaging';
import { inboxClaim, type PrismaClient } from '@shop/contracts/database';
import type { OrderCompletedV1 } from '@shop/contracts/events';

type OrderCompleted = EventOf<typeof OrderCompletedV1>;

export interface SalesSummary {
  orders: number;
  revenueCents: number;
  itemsSold: number;
  topProducts: { sku: string; quantity: number; revenueCents: number }[];
}

const TOP_PRODUCTS = 5;

/** What the handler needs of the facts tables; unit tests give it one in memory. */
export interface OrderFacts {
  recordOnce(claim: InboxClaim, order: OrderCompleted['data']): Promise<Date>;
}

/** The facts tables in Postgres, through `recordOrderFactOnce`. */
export function orderFactsIn(prisma: PrismaClient): OrderFacts {
  return { recordOnce: (claim, order) => recordOrderFactOnce(prisma, claim, order) };
}

/**
 * One fact per order with one line per SKU, written with the inbox claim in
 * a single statement: the fact is inserted only if the claim is, and the
 * lines only if the fact is (a fact already there, from the order's event
 * under another id, is left as it is). Returns when the order's fact was
 * recorded: now, or the first time for a duplicate (the same round trip
 * reads it, so a lost report is repaired with the original time).
 */
export async function recordOrderFactOnce(
  prisma: PrismaClient,
  claim: InboxClaim,
  order: OrderCompleted['data'],
): Promise<Date> {
  const lines = new Map<string, { quantity: number; revenueCents: number }>();
  for (const item of order.items) {
    const line = lines.get(item.sku) ?? { quantity: 0, revenueCents: 0 };
    lines.set(item.sku, {
      quantity: line.quantity + item.quantity,
      revenueCents: line.revenueCents + item.lineTotalCents,
    });
  }
  const itemCount = order.items.reduce((sum, item) => sum + item.quantity, 0);
  const skus = [...lines.keys()];
  // The final SELECT sees the table as it was before this statement, so a
  // fact it finds there is the earlier one, and a fact just written comes
  // from the CTE's RETURNING.
  const [row] = await prisma.$queryRaw<{ recordedAt: Date | null }[]>`
    WITH claim AS (${inboxClaim(claim)}),
    fact AS (
      INSERT INTO analytics.order_facts (order_id, total_cents, currency, item_count, placed_at)
      SELECT ${order.orderId}::uuid, ${order.totalCents}, ${order.currency}, ${itemCount}, ${new Date(order.placedAt)}
      FROM claim
      ON CONFLICT (order_id) DO NOTHING
      RETURNING order_id, recorded_at
    ),
    fact_lines AS (
      INSERT INTO analytics.order_fact_lines (order_id, sku, quantity, revenue_cents)
      SELECT fact.order_id, line.sku, line.quantity, line.revenue_cents
      FROM fact, unnest(${skus}::text[], ${skus.map((sku) => lines.get(sku)!.quantity)}::int[],
                        ${skus.map((sku) => lines.get(sku)!.revenueCents)}::int[])
        AS line(sku, quantity, revenue_cents)
    )
    SELECT coalesce((SELECT recorded_at FROM fact),
                    (SELECT recorded_at FROM analytics.order_facts WHERE order_id = ${order.orderId}::uuid))
      AS "recordedAt"`;
  if (!row?.recordedAt) throw new Error(`order ${order.orderId} has no fact after recording it`);
  return row.recordedAt;
}

/** Orders placed from `from` (inclusive) until `to` (exclusive); either end may be open. */
export interface SalesPeriod {
  from?: Date;
  to?: Date;
}

/** Aggregated in SQL: the summary costs the same with ten orders or ten million rows scanned by Postgres. */
export async function summarizeSales(prisma: PrismaClient, period: SalesPeriod = {}): Promise<SalesSummary> {
  const placedAt = { ...(period.from ? { gte: period.from } : {}), ...(period.to ? { lt: period.to } : {}) };
  const [totals, products] = await Promise.all([
    prisma.orderFact.aggregate({
      where: { placedAt },
      _count: { _all: true },
      _sum: { totalCents: true, itemCount: true },
    }),
    prisma.orderFactLine.groupBy({
      by: ['sku'],
      where: { fact: { placedAt } },
      _sum: { quantity: true, revenueCents: true },
      orderBy: [{ _sum: { quantity: 'desc' } }, { sku: 'asc' }],
      take: TOP_PRODUCTS,
    }),
  ]);
  return {
    orders: totals._count._all,
    revenueCents: totals._sum.totalCents ?? 0,
    itemsSold: totals._sum.itemCount ?? 0,
    topProducts: products.map(({ sku, _sum }) => ({
      sku,
      quantity: _sum.quantity ?? 0,
      revenueCents: _sum.revenueCents ?? 0,
    })),
  };
}
