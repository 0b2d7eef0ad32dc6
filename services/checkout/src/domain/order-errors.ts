/**
 * Every refusal checkout can give: the codes (order-error-codes.ts) and the
 * errors that carry them, by what they refuse.
 */
export { orderRateLimited, outboxBacklogFull } from './capacity-refusals';
export { ORDER_ERRORS } from './order-error-codes';
export {
  type FieldError,
  idempotencyKeyReused,
  invalidRequest,
  orderNotFound,
  requestInProgress,
  unknownSkus,
} from './request-refusals';
export { orderCancelled, orderNotSaved, orderPending, paymentDeclined } from './settlement-refusals';
