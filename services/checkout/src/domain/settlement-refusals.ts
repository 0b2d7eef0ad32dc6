import { permanentError, retryableError } from '@shared/core/errors';
import { ORDER_ERRORS } from './order-error-codes';

/** Refusals of an order whose payment did not end in a saved, confirmed order. */
export const paymentDeclined = (orderId: string, reason: string) =>
  permanentError(ORDER_ERRORS.paymentDeclined, 'Payment declined', {
    details: { detail: `The card was declined: ${reason}`, orderId, reason },
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
