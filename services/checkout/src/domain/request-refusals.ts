import { permanentError, retryableError } from '@shared/core/errors';
import { ORDER_ERRORS } from './order-error-codes';

/** An offending field of an order request, named as its body names it. */
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

export const idempotencyKeyReused = () =>
  permanentError(ORDER_ERRORS.idempotencyKeyReused, 'Idempotency-Key reused with a different request', {
    details: { detail: 'This Idempotency-Key was first used with another request body; use a new key.' },
  });

export const requestInProgress = (orderId: string) =>
  retryableError(ORDER_ERRORS.requestInProgress, 'A request with this Idempotency-Key is in progress', {
    details: { orderId },
  });
