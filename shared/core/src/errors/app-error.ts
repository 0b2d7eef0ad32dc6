/**
 * Errors carry a string code because `instanceof` does not survive a process
 * boundary: a code travels in an HTTP problem body or a dead-letter header.
 *
 * `operational` errors are expected in production (a declined card, an SMTP
 * server that is down); `programmer` errors are bugs. Only the transport layer
 * (HTTP or messaging) decides what a code means to its caller.
 */
export type ErrorKind = 'operational' | 'programmer';

export interface AppErrorOptions {
  kind?: ErrorKind;
  /** Whether trying the same work again later may succeed. */
  retryable?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
  /** When trying again may succeed, in seconds, if the thrower knows (a rate limit's window); HTTP sends it as Retry-After. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = options.kind ?? 'operational';
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A failure that will fail again however often it is retried (bad input, a rejected address). */
export function permanentError(
  code: string,
  message: string,
  options: Omit<AppErrorOptions, 'retryable'> = {},
) {
  return new AppError(code, message, { ...options, retryable: false });
}

/** A failure that may pass later (a timeout, a dependency that is down). */
export function retryableError(
  code: string,
  message: string,
  options: Omit<AppErrorOptions, 'retryable'> = {},
) {
  return new AppError(code, message, { ...options, retryable: true });
}
