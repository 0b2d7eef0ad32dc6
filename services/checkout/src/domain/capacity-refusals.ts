import { retryableError } from '@shared/core/errors';
import { ORDER_ERRORS } from './order-error-codes';

/** Refusals while checkout protects itself or its outbox: nothing is charged. */
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
