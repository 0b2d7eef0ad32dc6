import { permanentError, retryableError } from '@shared/core/errors';

/** The endpoint did not take the delivery this time (408, 429, 5xx, no connection, no answer in time). */
export const ENDPOINT_UNAVAILABLE = 'WEBHOOK.ENDPOINT_UNAVAILABLE';
/** The endpoint refused the delivery for good (another 4xx, or a redirect): parked at once. */
export const REJECTED = 'WEBHOOK.REJECTED';

export const endpointUnavailable = (reason: string, cause?: unknown) =>
  retryableError(ENDPOINT_UNAVAILABLE, reason, { cause });

export const rejected = (reason: string) => permanentError(REJECTED, reason);
