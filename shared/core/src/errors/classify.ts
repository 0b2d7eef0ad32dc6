import { AppError } from './app-error';

/**
 * Decides whether a failed attempt deserves another one.
 *
 * An AppError says so itself. Anything else (a refused connection, a timeout,
 * an unrecognised bug) is retryable: the retry tiers are bounded, so an
 * unrecognised bug costs a few attempts before it reaches the dead-letter
 * queue, whereas calling an unrecognised outage permanent would park work that
 * would have succeeded a minute later. Handlers that know a failure is final
 * (a schema violation, an SMTP 5xx for a bad address) throw `permanentError`.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof AppError ? error.retryable : true;
}

/** A string code for any thrown value, for logs, metrics and dead-letter headers. */
export function errorCode(error: unknown): string {
  if (error instanceof AppError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNEXPECTED';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
