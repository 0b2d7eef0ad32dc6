import type { Logger } from '@shared/core/logging';
import type { EventEnvelope } from '@shared/messaging';
import type { OrdersRepository, UnsettledOrder } from '../data/orders-repository';
import type { PaymentGateway } from '../payment/payment-gateway';
import { orderCompletedEvent } from './order-completed';

export interface ReconcileDeps {
  orders: OrdersRepository;
  payments: Pick<PaymentGateway, 'cancel' | 'refund'>;
  outbox: {
    leaseForNewRow(): number;
    publishCommitted(event: EventEnvelope, traceparent: string | null): void;
  };
  log: Logger;
}

/** What became of one unsettled order. */
export type Settlement = 'confirmed' | 'failed' | 'declined' | 'refunded';

/**
 * Settles orders left unsettled longer than `olderThanMs`: pending ones
 * (a crash between charge and confirm, a confirm whose answer was lost, a
 * gateway that did not answer, or has not answered yet) and failed ones still
 * owing their refund (a refund that failed, a crash before it). The client
 * retrying with its key gets 409 until then, and the final answer after.
 */
export async function reconcilePendingOrders(
  deps: ReconcileDeps,
  olderThanMs: number,
  batch = 20,
): Promise<Map<string, Settlement>> {
  const settled = new Map<string, Settlement>();
  for (const order of await deps.orders.claimUnsettled(olderThanMs, batch)) {
    const settlement = order.refundOwed ? await refund(order, deps) : await settlePending(order, deps);
    if (!settlement) continue;
    settled.set(order.id, settlement);
    deps.log.warn({ orderId: order.id, settled: settlement }, 'settled a stale order');
  }
  return settled;
}

/** The order was failed before its refund was asked for: only the refund is left, then the key is free. */
async function refund(order: UnsettledOrder, deps: ReconcileDeps): Promise<Settlement> {
  await deps.payments.refund(order.id);
  await deps.orders.refundDone(order.id);
  return 'refunded';
}

/**
 * The gateway is told to cancel the order's charge, which answers with the
 * charge if one stands, and otherwise makes sure none can land any more (a
 * charge still on its way then answers `cancelled` and charges nothing). The
 * order follows the money: charged and kept, it is confirmed (with its event,
 * as if its request had finished); never charged, or refunded, it is failed
 * and its Idempotency-Key released; declined, it is declined. So an order is
 * failed, and its key freed for a new order and a new charge, only once no
 * charge of its own stands or can. Undefined when its request settled it
 * meanwhile.
 */
async function settlePending(order: UnsettledOrder, deps: ReconcileDeps): Promise<Settlement | undefined> {
  const charge = await deps.payments.cancel(order.id);
  if (charge && !charge.result.approved) {
    await deps.orders.markDeclined(order.id, charge.result.reason);
    return 'declined';
  }
  if (!charge?.result.approved || charge.refunded) {
    await deps.orders.markFailed(order.id);
    return 'failed';
  }
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
  if (!confirmed) return undefined;
  deps.outbox.publishCommitted(event, null);
  return 'confirmed';
}
