import { randomUUID } from 'node:crypto';
import { createEvent, OrderCompletedV1 } from '@shop/shared/events';
import type { Logger } from '@shop/shared/logging';
import type { OrdersRepository, StoredOrder } from '../data/orders-repository';
import type { OutboxBacklog } from '../outbox/outbox-backlog';
import type { PaymentGateway } from '../payment/payment-gateway';
import {
  idempotencyKeyReused,
  orderNotFound,
  orderNotSaved,
  outboxBacklogFull,
  paymentDeclined,
  requestInProgress,
} from './order-errors';
import { priceOrder } from './pricing';
import { type OrderRequest, requestFingerprint } from './request-fingerprint';

export interface PlaceOrderCommand {
  request: OrderRequest;
  idempotencyKey: string | undefined;
  correlationId: string;
}

export interface PlaceOrderDeps {
  orders: OrdersRepository;
  payments: PaymentGateway;
  /** Tells the outbox relay a new event was committed, so it publishes now instead of at its next poll. */
  eventCommitted: () => void;
  backlog: Pick<OutboxBacklog, 'isFull' | 'limit'>;
  log: Logger;
}

/**
 * Pending order, charge keyed by the order id, then one transaction that
 * confirms the order and writes its event: a charge never stands without an
 * order, and an order never without its event. Returns the confirmed order,
 * or throws the refusal (declined, key reused, database down...).
 */
export async function placeOrder(command: PlaceOrderCommand, deps: PlaceOrderDeps): Promise<StoredOrder> {
  const { request, idempotencyKey, correlationId } = command;
  const { orders, payments, log } = deps;
  const requestHash = idempotencyKey ? requestFingerprint(request) : undefined;

  if (idempotencyKey) {
    const earlier = await replayEarlier(idempotencyKey, requestHash!, orders);
    if (earlier) return earlier;
  }

  // Backpressure, before anything is written or charged (a replay above adds nothing to the outbox).
  const backlog = await deps.backlog.isFull();
  if (backlog.full) throw outboxBacklogFull(backlog.waiting, deps.backlog.limit);

  const catalogue = await orders.findProducts(request.items.map((item) => item.sku));
  const priced = priceOrder(request.items, catalogue);
  const orderId = randomUUID();
  const created = await orders.createPending({
    id: orderId,
    customer: request.customer,
    priced,
    idempotencyKey,
    requestHash,
    correlationId,
  });
  // A concurrent request with the same key got there first: answer as it will.
  if (!created) return (await replayEarlier(idempotencyKey!, requestHash!, orders)) ?? notFound(orderId);

  const charge = await payments.charge({
    orderId,
    amountCents: priced.totalCents,
    currency: priced.currency,
    cardNumber: request.payment.cardNumber,
  });
  if (!charge.approved) {
    await orders.markDeclined(orderId, charge.reason);
    log.info({ orderId, reason: charge.reason }, 'payment declined');
    throw paymentDeclined(orderId, charge.reason);
  }

  const placedAt = new Date();
  const event = createEvent(
    OrderCompletedV1,
    {
      orderId,
      customer: request.customer,
      items: priced.lines,
      totalCents: priced.totalCents,
      currency: priced.currency,
      paymentId: charge.paymentId,
      placedAt: placedAt.toISOString(),
    },
    { correlationId, occurredAt: placedAt },
  );
  try {
    await orders.confirm(orderId, charge.paymentId, event);
  } catch (error) {
    await undoCharge(orderId, error, deps);
    throw orderNotSaved(orderId, error);
  }
  deps.eventCommitted();
  log.info({ orderId, totalCents: priced.totalCents }, 'order confirmed');
  return (await orders.findById(orderId)) ?? notFound(orderId);
}

/**
 * The answer already given for this Idempotency-Key, if any: the same order
 * for the same request, a refusal for a different one.
 */
async function replayEarlier(
  key: string,
  requestHash: string,
  orders: OrdersRepository,
): Promise<StoredOrder | undefined> {
  const earlier = await orders.findByIdempotencyKey(key);
  if (!earlier) return undefined;
  if (earlier.requestHash !== requestHash) throw idempotencyKeyReused();
  switch (earlier.status) {
    case 'confirmed':
      return (await orders.findById(earlier.id)) ?? notFound(earlier.id);
    case 'payment_declined':
      throw paymentDeclined(earlier.id, earlier.declineReason ?? 'declined');
    default:
      // Pending: the first request is still running (or died mid-way; see the README).
      throw requestInProgress(earlier.id);
  }
}

async function undoCharge(orderId: string, cause: unknown, { orders, payments, log }: PlaceOrderDeps) {
  log.error({ err: cause, orderId }, 'charged but the order could not be saved; refunding');
  await payments.refund(orderId);
  await orders.markFailed(orderId).catch((error: unknown) => {
    log.warn({ err: error, orderId }, 'could not mark the order failed; it stays pending');
  });
}

function notFound(orderId: string): never {
  throw orderNotFound(orderId);
}
