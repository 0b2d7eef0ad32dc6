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
