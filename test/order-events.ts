import { randomUUID } from 'node:crypto';
import { createEvent, type EventOf } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';

export type OrderCompleted = EventOf<typeof OrderCompletedV1>;

/** A valid OrderCompleted v1 event with fresh ids. */
export function anOrderCompletedEvent(overrides: Partial<OrderCompleted['data']> = {}): OrderCompleted {
  return createEvent(
    OrderCompletedV1,
    {
      orderId: randomUUID(),
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      items: [{ sku: 'BOOK-1', name: 'A book', quantity: 2, unitPriceCents: 1500, lineTotalCents: 3000 }],
      totalCents: 3000,
      currency: 'EUR',
      paymentId: `pay_${randomUUID()}`,
      placedAt: new Date().toISOString(),
      ...overrides,
    },
    { correlationId: randomUUID() },
  );
}
