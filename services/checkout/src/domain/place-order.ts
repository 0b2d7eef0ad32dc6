import { randomUUID } from 'node:crypto';
import type { Logger } from '@shared/core/logging';
import type { EventEnvelope, OutboxBacklog } from '@shared/messaging';
import type { OrdersRepository } from '../data/orders-repository';
import type { ChargeResult, PaymentGateway } from '../payment/payment-gateway';
import { orderCompletedEvent } from './order-completed';
import {
  idempotencyKeyReused,
  orderCancelled,
  orderNotFound,
  orderNotSaved,
  orderPending,
  outboxBacklogFull,
  paymentDeclined,
  requestInProgress,
} from './order-errors';
import type { OrderSnapshot } from './order-snapshot';
import { type Product, priceOrder } from './pricing';
import { type OrderRequest, requestFingerprint } from './request-fingerprint';

export interface PlaceOrderCommand {
  request: OrderRequest;
  idempotencyKey: string | undefined;
  correlationId: string;
  /** The request's trace context, stored with the event so its consumers continue the trace; null without tracing. */
  traceparent: string | null;
}

/** What placing an order needs of the orders' store: the OrdersRepository, or one in memory in unit tests. */
export type PlaceOrderRepository = Pick<
  OrdersRepository,
  | 'findByIdempotencyKey'
  | 'findById'
  | 'statusOf'
  | 'createPending'
  | 'markDeclined'
  | 'markFailed'
  | 'confirm'
  | 'failOwingRefund'
  | 'refundDone'
>;

export interface PlaceOrderDeps {
  orders: PlaceOrderRepository;
  catalogue: { find(skus: string[]): Promise<Product[]> };
  payments: PaymentGateway;
  /** The outbox's side of a commit: the lease to write the event's row with, and the hand-over after the commit. */
  outbox: {
    leaseForNewRow(): number;
    publishCommitted(event: EventEnvelope, traceparent: string | null): void;
  };
  backlog: Pick<OutboxBacklog, 'isFull' | 'limit'>;
  /** The tasks a confirmed order starts with, all pending. */
  tasks: readonly string[];
  log: Logger;
}

/**
 * Pending order, charge keyed by the order id, then one transaction that
 * confirms the order and writes its event: a charge never stands without an
 * order, and an order never without its event. Returns the confirmed order
 * as it was just written (no read after the commit), or throws the refusal
 * (declined, key reused, database down...). An order the reconciler settled
 * while its charge was on the way is answered as it was settled, never
 * settled again.
 */
export async function placeOrder(command: PlaceOrderCommand, deps: PlaceOrderDeps): Promise<OrderSnapshot> {
  const { request, idempotencyKey, correlationId, traceparent } = command;
  const { orders, payments, log } = deps;
  const requestHash = idempotencyKey ? requestFingerprint(request) : undefined;

  if (idempotencyKey) {
    const earlier = await replayEarlier(idempotencyKey, requestHash!, orders);
    if (earlier) return earlier;
  }

  // Backpressure, before anything is written or charged (a replay above adds nothing to the outbox).
  const backlog = await deps.backlog.isFull();
  if (backlog.full) throw outboxBacklogFull(backlog.waiting, deps.backlog.limit);

  const catalogue = await deps.catalogue.find(request.items.map((item) => item.sku));
  const priced = priceOrder(request.items, catalogue);
  const orderId = randomUUID();
  const createdAt = new Date();
  const created = await orders.createPending({
    id: orderId,
    customer: request.customer,
    priced,
    idempotencyKey,
    requestHash,
    correlationId,
    createdAt,
  });
  // A concurrent request with the same key got there first: answer as it will.
  if (!created) return (await replayEarlier(idempotencyKey!, requestHash!, orders)) ?? notFound(orderId);

  let charge: ChargeResult | 'cancelled';
  try {
    charge = await payments.charge({
      orderId,
      amountCents: priced.totalCents,
      currency: priced.currency,
      cardNumber: request.payment.cardNumber,
    });
  } catch (error) {
    // Whether the card was charged is unknown: the order stays pending for the reconciler.
    log.error({ err: error, orderId }, 'the payment gateway failed to answer; the order waits to be settled');
    throw orderPending(orderId, error);
  }
  if (charge === 'cancelled') return refuseCancelled(orderId, deps);
  if (!charge.approved) {
    await orders.markDeclined(orderId, charge.reason);
    log.info({ orderId, reason: charge.reason }, 'payment declined');
    throw paymentDeclined(orderId, charge.reason);
  }

  const placedAt = new Date();
  const event = orderCompletedEvent({
    orderId,
    customer: request.customer,
    lines: priced.lines,
    totalCents: priced.totalCents,
    currency: priced.currency,
    paymentId: charge.paymentId,
    placedAt,
    correlationId,
  });
  let confirmed: boolean | undefined;
  try {
    confirmed = await orders.confirm(orderId, charge.paymentId, event, {
      leaseMs: deps.outbox.leaseForNewRow(),
      traceparent,
    });
  } catch (error) {
    // Returns only when the order stands confirmed: by this confirm, whose answer was lost, or by
    // the reconciler. Whose event row is in the outbox cannot be told, so this one is not published
    // from memory: the relay's sweep publishes the row once its lease ends.
    await settleAfterFailedConfirm(orderId, error, deps);
  }
  if (confirmed === false) {
    // The charge landed as the reconciler looked: it confirmed the order with an event of its own.
    log.warn({ orderId }, 'the reconciler settled the order first; answering with it');
    const settled = await orders.findById(orderId);
    if (settled?.status !== 'confirmed') throw orderPending(orderId, new Error(`order ${settled?.status}`));
    return settled;
  }
  if (confirmed) deps.outbox.publishCommitted(event, traceparent);
  log.info({ orderId, totalCents: priced.totalCents }, 'order confirmed');
  return {
    id: orderId,
    status: 'confirmed',
    customerEmail: request.customer.email,
    customerName: request.customer.name,
    totalCents: priced.totalCents,
    currency: priced.currency,
    paymentId: charge.paymentId,
    createdAt,
    lines: priced.lines,
    tasks: deps.tasks.map((task) => ({
      task,
      status: 'pending',
      attempts: 0,
      lastError: null,
      url: null,
      updatedAt: placedAt,
      timeline: [],
    })),
  };
}

/**
 * The confirm failed after the card was charged, and whether it committed is
 * not known: its answer may have been lost while it still runs on the
 * server. Returns when the order turns out confirmed; otherwise throws the
 * refusal. The order is refunded only once this path has won its outcome:
 * `failOwingRefund` is a compare-and-set from pending that waits for a
 * confirm holding the order's row, so of the two exactly one wins. The order
 * is failed with its refund owed and its key held, then refunded, then its
 * key released. Whatever stops half-way (the database unreachable, the
 * refund failing, a crash) the reconciler finishes from the order's state:
 * still pending, it follows the charge at the gateway; failed owing a refund,
 * it is refunded. So a charge stands exactly when its order is confirmed
 * (services/checkout/README.md lists each crash point).
 */
async function settleAfterFailedConfirm(
  orderId: string,
  cause: unknown,
  deps: PlaceOrderDeps,
): Promise<void> {
  const { orders, payments, log } = deps;
  const failed = await orders.failOwingRefund(orderId).catch((error: unknown) => {
    log.error({ err: error, orderId }, 'could not settle the order after a failed confirm');
    return undefined;
  });
  if (failed === undefined) throw orderPending(orderId, cause);
  if (!failed) {
    const status = await orders.statusOf(orderId).catch(() => undefined);
    if (status !== 'confirmed') throw orderPending(orderId, cause);
    log.warn({ err: cause, orderId }, 'the confirm committed though its answer was lost; the order stands');
    return;
  }
  log.error({ err: cause, orderId }, 'charged but the order could not be saved; refunding');
  try {
    await payments.refund(orderId);
  } catch (error) {
    log.error({ err: error, orderId }, 'the refund failed; the reconciler will refund the order');
    throw orderPending(orderId, error);
  }
  await orders.refundDone(orderId).catch((error: unknown) => {
    log.warn({ err: error, orderId }, "could not release the order's key; the reconciler will");
  });
  throw orderNotSaved(orderId, cause);
}

/**
 * The charge came after the reconciler had given up on the order and
 * cancelled it at the gateway: nothing was charged, nor can be. The order is
 * failed (the reconciler's own next step, taken here too so that the key is
 * free for the client's retry at once) and the client told to retry.
 */
async function refuseCancelled(orderId: string, deps: PlaceOrderDeps): Promise<never> {
  deps.log.warn({ orderId }, 'the charge came after the order was cancelled; nothing was charged');
  await deps.orders.markFailed(orderId).catch((error: unknown) => {
    deps.log.warn({ err: error, orderId }, 'could not mark the order failed; the reconciler will');
  });
  throw orderCancelled(orderId);
}

/**
 * The answer already given for this Idempotency-Key, if any: the same order
 * for the same request, a refusal for a different one.
 */
async function replayEarlier(
  key: string,
  requestHash: string,
  orders: PlaceOrderRepository,
): Promise<OrderSnapshot | undefined> {
  const earlier = await orders.findByIdempotencyKey(key);
  if (!earlier) return undefined;
  if (earlier.requestHash !== requestHash) throw idempotencyKeyReused();
  switch (earlier.status) {
    case 'confirmed':
      return (await orders.findById(earlier.id)) ?? notFound(earlier.id);
    case 'payment_declined':
      throw paymentDeclined(earlier.id, earlier.declineReason ?? 'declined');
    default:
      // Pending: the first request is still running (or died mid-way; see docs/http-api.md). Failed
      // with a key still held: its refund is still owed. The reconciler settles both.
      throw requestInProgress(earlier.id);
  }
}

function notFound(orderId: string): never {
  throw orderNotFound(orderId);
}
