import { BROKER_UNAVAILABLE } from '@shop/shared/messaging';
import { ORDER_ERRORS } from '../domain/order-errors';

/** Which HTTP status each refusal gets; the only place that knows. */
export const STATUS_OF: Record<string, number> = {
  [ORDER_ERRORS.invalidRequest]: 400,
  [ORDER_ERRORS.classicModeOff]: 400,
  [ORDER_ERRORS.paymentDeclined]: 402,
  [ORDER_ERRORS.notFound]: 404,
  [ORDER_ERRORS.idempotencyKeyReused]: 409,
  [ORDER_ERRORS.requestInProgress]: 409,
  [ORDER_ERRORS.unknownSku]: 422,
  [ORDER_ERRORS.notSaved]: 503,
  [ORDER_ERRORS.databaseUnavailable]: 503,
  [ORDER_ERRORS.backlogFull]: 503,
  /** The dead-letter admin API while RabbitMQ is away. */
  [BROKER_UNAVAILABLE]: 503,
};

/** Answers worth retrying as they are: they carry Retry-After. */
export const RETRY_LATER = new Set<string>([
  ORDER_ERRORS.requestInProgress,
  ORDER_ERRORS.notSaved,
  ORDER_ERRORS.databaseUnavailable,
  ORDER_ERRORS.backlogFull,
  BROKER_UNAVAILABLE,
]);
