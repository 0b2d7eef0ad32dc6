import { type ErrorTable, RUNTIME_ERROR_ANSWERS } from '@shared/http';

/**
 * Every error code a service of the shop answers over HTTP, and how. The one
 * place that knows statuses: domain code throws codes (typed against this
 * table), and each service's HTTP layer reads it. A code missing here is a
 * 500 and a bug.
 */
export const SHOP_ERRORS = {
  ...RUNTIME_ERROR_ANSWERS,
  // checkout: orders
  'ORDER.INVALID_REQUEST': { status: 400 },
  'PAYMENT.DECLINED': { status: 402 },
  'ORDER.NOT_FOUND': { status: 404 },
  'IDEMPOTENCY.KEY_REUSED': { status: 409 },
  'IDEMPOTENCY.REQUEST_IN_PROGRESS': { status: 409, retryAfter: true },
  'ORDER.UNKNOWN_SKU': { status: 422 },
  /** The client sent more orders than ORDER_RATE_LIMIT allows; Retry-After says when its next one is taken. */
  'ORDER.RATE_LIMITED': { status: 429, retryAfter: true },
  /** The card was charged, the order could not be saved, and the charge was refunded. */
  'ORDER.NOT_SAVED': { status: 503, retryAfter: true },
  /** Charged or maybe charged, not confirmed yet: the reconciler settles it (PENDING_ORDER_TIMEOUT). */
  'ORDER.PENDING': { status: 503, retryAfter: true },
  'DATABASE.UNAVAILABLE': { status: 503, retryAfter: true },
  /** Too many events wait in the outbox: the broker has been away too long. */
  'ORDER.OUTBOX_BACKLOG_FULL': { status: 503, retryAfter: true },
  // checkout: the operators' API
  'ADMIN.INVALID_REQUEST': { status: 400 },
  'ADMIN.UNAUTHORIZED': { status: 401, authenticate: 'Bearer realm="admin"' },
  'ADMIN.OFF': { status: 404 },
  'DEAD_LETTERS.UNKNOWN_SERVICE': { status: 404 },
  'CONSUMERS.UNKNOWN_SERVICE': { status: 404 },
  'DEAD_LETTERS.MESSAGE_NOT_FOUND': { status: 404 },
  // dashboard
  'DASHBOARD.INVALID_REQUEST': { status: 400 },
  'DASHBOARD.SIGN_IN_REQUIRED': { status: 401 },
  /** A viewer session asked for an action. */
  'DASHBOARD.READ_ONLY': { status: 403 },
  /** A POST without the session's CSRF token, or from another origin. */
  'DASHBOARD.CSRF_REJECTED': { status: 403 },
  'DASHBOARD.NOT_FOUND': { status: 404 },
  'DASHBOARD.TOO_MANY_SIGN_INS': { status: 429, retryAfter: true },
  /** Checkout, which the dashboard acts through, did not answer or failed. */
  'DASHBOARD.UPSTREAM_FAILED': { status: 502 },
  // inventory
  'INVENTORY.SKU_NOT_FOUND': { status: 404 },
  // analytics
  'ANALYTICS.INVALID_PERIOD': { status: 400 },
  // pdf
  'RECEIPT.NOT_FOUND': { status: 404 },
} as const satisfies ErrorTable;

export type ShopErrorCode = keyof typeof SHOP_ERRORS;
