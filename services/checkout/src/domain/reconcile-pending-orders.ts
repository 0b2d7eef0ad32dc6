import type { EventEnvelope } from '@shop/shared/events';
import type { Logger } from '@shop/shared/logging';
import type { OrdersRepository } from '../data/orders-repository';
import type { PaymentGateway } from '../payment/payment-gateway';
import { orderCompletedEvent } from './order-completed';

export interface ReconcileDeps {
  orders: OrdersRepository;
  payments: Pick<PaymentGateway, 'cancel'>;
  outbox: {
    leaseForNewRow(): number;
    publishCommitted(event: EventEnvelope, traceparent: string | null): void;
  };
  log: Logger;
}

/** What became of one stale pending order. */
export type Settlement = 'confirmed' | 'failed' | 'declined';

/**
 * Settles orders left `pending` longer than `olderThanMs`: a crash between
 * charge and confirm, a confirm whose answer was lost, a refund that failed,
 * a gateway that did not answer, or has not answered yet. The gateway is told
 * to cancel each order's charge, which answers with the charge if one
 * stands, and otherwise makes sure none can land any more (a charge still on
 * its way then answers `cancelled` and charges nothing). The order follows
 * the money: charged and kept, it is confirmed (with its event, as if its
 * request had finished); never charged, or refunded, it is failed and its
 * Idempotency-Key released; declined, it is declined. So an order is failed,
 * and its key released for a new order and a new charge, only once no charge
 * of its own stands or can. The client retrying with its key then gets the
 * final answer.
 */
export async function reconcilePendingOrders(
  deps: ReconcileDeps,
  olderThanMs: number,
  batch = 20,
): Promise<Map<string, Settlement>> {
  const settled = new Map<string, Settlement>();
  for (const order of await deps.orders.claimStalePending(olderThanMs, batch)) {
    const charge = await deps.payments.cancel(order.id);
    if (charge?.result.approved && !charge.refunded) {
      const event = orderCompletedEvent({
        orderId: order.id,
        customer: { email: order.customerEmail, name: order.customerName },
        lines: order.lines,
        totalCents: order.totalCents,
        currency: order.currency,
        paymentId: charge.result.paymentId,
        placedAt: order.createdAt,
        correlationId: order.correlationId,
      });
      // No request is being traced here: the event's publish starts a trace of its own.
      const confirmed = await deps.orders.confirm(order.id, charge.result.paymentId, event, {
        leaseMs: deps.outbox.leaseForNewRow(),
        traceparent: null,
      });
      // Not pending any more: its request confirmed it meanwhile, with its own event.
      if (!confirmed) continue;
      deps.outbox.publishCommitted(event, null);
      settled.set(order.id, 'confirmed');
    } else if (charge && !charge.result.approved) {
      await deps.orders.markDeclined(order.id, charge.result.reason);
      settled.set(order.id, 'declined');
    } else {
      await deps.orders.markFailed(order.id);
      settled.set(order.id, 'failed');
    }
    deps.log.warn({ orderId: order.id, settled: settled.get(order.id) }, 'settled a stale pending order');
  }
  return settled;
}
