import type { PrismaClient } from '@shop/shared/database';
import { createEvent, type EventOf, type OrderCompletedV1, OrderRecordedV1 } from '@shop/shared/events';
import { type Broker, type HandlerContext, handleOnce } from '@shop/shared/messaging';
import { recordOrderFact } from '../data/order-facts';

export interface RecordOrderDeps extends HandlerContext {
  prisma: PrismaClient;
  broker: Pick<Broker, 'publish'>;
}

/** The fact and the inbox record commit together; a duplicate records nothing but is still reported. */
export async function recordOrderWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: RecordOrderDeps,
): Promise<void> {
  await handleOnce(deps.prisma, 'analytics', event, (tx) => recordOrderFact(tx, event.data));
  await deps.broker.publish(
    createEvent(
      OrderRecordedV1,
      { orderId: event.data.orderId, attempt: deps.attempt },
      { correlationId: event.correlationId },
    ),
  );
}
