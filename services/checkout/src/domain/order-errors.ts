import { permanentError, retryableError } from '@shared/core/errors';
import type { ShopErrorCode } from '@shop/contracts/errors';

/**
 * Every refusal checkout can give, as string codes. Only the HTTP layer
 * turns them into statuses, through the shop's one table (SHOP_ERRORS).
 */
export const ORDER_ERRORS = {
  invalidRequest: 'ORDER.INVALID_REQUEST',
  unknownSku: 'ORDER.UNKNOWN_SKU',
  notFound: 'ORDER.NOT_FOUND',
  paymentDeclined: 'PAYMENT.DECLINED',
  idempotencyKeyReused: 'IDEMPOTENCY.KEY_REUSED',
  requestInProgress: 'IDEMPOTENCY.REQUEST_IN_PROGRESS',
  /** The order could not be saved and nothing stays charged: refunded, or cancelled before the charge. */
  notSaved: 'ORDER.NOT_SAVED',
  /** The order's outcome is not known yet (charge or confirm unanswered); the reconciler settles it. */
  pending: 'ORDER.PENDING',
  databaseUnavailable: 'DATABASE.UNAVAILABLE',
  /** Too many events wait in the outbox: the broker has been away too long. */
  backlogFull: 'ORDER.OUTBOX_BACKLOG_FULL',
  /** More orders from one client than ORDER_RATE_LIMIT allows. */
  rateLimited: 'ORDER.RATE_LIMITED',
} as const satisfies Record<string, ShopErrorCode>;

export interface FieldError {
  field: string;
  message: string;
}

export const invalidRequest = (errors: FieldError[]) =>
  permanentError(ORDER_ERRORS.invalidRequest, 'The request is invalid', { details: { errors } });

export const unknownSkus = (errors: FieldError[]) =>
  permanentError(ORDER_ERRORS.unknownSku, 'The order names a product that is not in the catalogue', {
    details: { errors },
  });

export const orderNotFound = (id: string) =>
  permanentError(ORDER_ERRORS.notFound, 'Order not found', { details: { detail: `No order ${id}` } });

export const paymentDeclined = (orderId: string, reason: string) =>
  permanentError(ORDER_ERRORS.paymentDeclined, 'Payment declined', {
    details: { detail: `The card was declined: ${reason}`, orderId, reason },
  });

export const idempotencyKeyReused = () =>
  permanentError(ORDER_ERRORS.idempotencyKeyReused, 'Idempotency-Key reused with a different request', {
    details: { detail: 'This Idempotency-Key was first used with another request body; use a new key.' },
  });

export const requestInProgress = (orderId: string) =>
  retryableError(ORDER_ERRORS.requestInProgress, 'A request with this Idempotency-Key is in progress', {
    details: { orderId },
  });

export const orderNotSaved = (orderId: string, cause: unknown) =>
  retryableError(ORDER_ERRORS.notSaved, 'The order could not be saved; the charge was refunded', {
    details: { detail: 'Nothing was charged. Try again shortly.', orderId },
    cause,
  });

export const orderCancelled = (orderId: string) =>
  retryableError(ORDER_ERRORS.notSaved, 'The order was given up before its card was charged', {
    details: {
      detail:
        'The payment took too long: checkout cancelled it at the gateway and failed the order. Nothing was charged. Retry with the same Idempotency-Key to place the order again.',
      orderId,
    },
  });

export const orderPending = (orderId: string, cause: unknown) =>
  retryableError(ORDER_ERRORS.pending, 'The order is being settled', {
    details: {
      detail:
        'Checkout could not finish this order and will settle it with the payment gateway shortly: confirmed if the card was charged, refunded otherwise. Retry with the same Idempotency-Key to learn the outcome.',
      orderId,
    },
    cause,
  });

export const outboxBacklogFull = (waiting: number, limit: number) =>
  retryableError(ORDER_ERRORS.backlogFull, 'Orders are paused while events wait to be published', {
    details: {
      detail: `${waiting} events wait in the outbox (limit ${limit}); nothing was charged. Try again shortly.`,
    },
  });

export const orderRateLimited = (limit: string, retryAfterSeconds: number) =>
  retryableError(ORDER_ERRORS.rateLimited, 'Too many orders from this client', {
    details: {
      detail: `This client may place ${limit} orders; nothing was charged. Try again in ${retryAfterSeconds} s.`,
    },
    retryAfterSeconds,
  });
