import { createEvent, type EventOf } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import type { PricedLine } from './pricing';

export interface ConfirmedOrder {
  orderId: string;
  customer: { email: string; name: string };
  lines: PricedLine[];
  totalCents: number;
  currency: string;
  paymentId: string;
  placedAt: Date;
  correlationId: string;
}

/** The order's OrderCompleted event, whether its request confirms it or the reconciler does. */
export function orderCompletedEvent(order: ConfirmedOrder): EventOf<typeof OrderCompletedV1> {
  return createEvent(
    OrderCompletedV1,
    {
      orderId: order.orderId,
      customer: order.customer,
      items: order.lines,
      totalCents: order.totalCents,
      currency: order.currency,
      paymentId: order.paymentId,
      placedAt: order.placedAt.toISOString(),
    },
    { correlationId: order.correlationId, occurredAt: order.placedAt },
  );
}
