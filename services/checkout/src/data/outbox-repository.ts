import type { Prisma, TransactionClient } from '@shop/shared/database';
import type { EventEnvelope } from '@shop/shared/events';

/** Writes an event to the outbox inside the caller's transaction; the relay publishes it after commit. */
export function addToOutbox(tx: TransactionClient, event: EventEnvelope) {
  return tx.outboxMessage.create({
    data: { id: event.id, type: event.type, payload: event as unknown as Prisma.InputJsonValue },
  });
}
