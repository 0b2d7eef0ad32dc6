import type { PrismaClient } from '@shop/shared/database';
import { createEvent, type EventOf, type OrderCompletedV1, StockReservedV1 } from '@shop/shared/events';
import { type Broker, type HandlerContext, handleOnce } from '@shop/shared/messaging';
import { movementsOf, reserveStock } from '../data/stock-ledger';
import { quantitiesBySku } from '../domain/allocate-stock';

export interface ReserveStockDeps extends HandlerContext {
  prisma: PrismaClient;
  broker: Pick<Broker, 'publish'>;
}

/** Stock movements, stock levels and the inbox record commit together, or not at all. */
export async function reserveStockWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: ReserveStockDeps,
): Promise<void> {
  const { orderId, items } = event.data;
  const quantities = quantitiesBySku(items);
  const outcome = await handleOnce(deps.prisma, 'inventory', event, (tx) =>
    reserveStock(tx, orderId, quantities),
  );
  // A duplicate changed nothing; the movements recorded the first time say
  // what happened, and the outcome is published again in case it was lost.
  const allocations = outcome.duplicate ? await movementsOf(deps.prisma, orderId) : outcome.result;
  await deps.broker.publish(
    createEvent(
      StockReservedV1,
      {
        orderId,
        attempt: deps.attempt,
        lines: allocations.map(({ sku, quantity, backordered }) => ({ sku, quantity, backordered })),
      },
      { correlationId: event.correlationId },
    ),
  );
}
