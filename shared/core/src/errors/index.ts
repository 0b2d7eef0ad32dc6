export { AppError, type AppErrorOptions, type ErrorKind, permanentError, retryableError } from './app-error';
export { errorCode, errorMessage, isRetryable } from './classify';
export { BROKER_UNAVAILABLE } from './runtime-codes';
