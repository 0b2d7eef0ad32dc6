export { AppError, type AppErrorOptions, type ErrorKind, permanentError, retryableError } from './app-error';
export { errorCode, errorMessage, isRetryable } from './classify';
