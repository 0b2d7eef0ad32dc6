import { AppError, permanentError } from '@shared/core/errors';
import type { FieldError } from '@shared/http';
import type { ShopErrorCode } from '@shop/contracts/errors';

export const ADMIN_ERRORS = {
  off: 'ADMIN.OFF',
  unauthorized: 'ADMIN.UNAUTHORIZED',
  invalidRequest: 'ADMIN.INVALID_REQUEST',
  unknownService: 'DEAD_LETTERS.UNKNOWN_SERVICE',
  messageNotFound: 'DEAD_LETTERS.MESSAGE_NOT_FOUND',
  unknownConsumer: 'CONSUMERS.UNKNOWN_SERVICE',
} as const satisfies Record<string, ShopErrorCode>;

/** A refused admin request: 400 naming every offending field. */
export const adminInvalidRequest = (errors: FieldError[]) =>
  new AppError(ADMIN_ERRORS.invalidRequest, 'Bad Request', {
    details: { detail: `Invalid ${errors.map((error) => error.field).join(', ')}`, errors },
  });

/** A dead letter the service's store does not hold (or an id that cannot be one). */
export const deadLetterNotFound = (id?: string) =>
  permanentError(ADMIN_ERRORS.messageNotFound, 'Not Found', {
    details: { detail: id ? `No dead letter ${id} for this service` : 'A dead letter id is a UUID' },
  });
