import { AppError, retryableError } from '@shared/core/errors';
import { ORDER_ERRORS } from '../domain/order-errors';

/** Prisma's codes for "the database is not there", not "the query is wrong". https://www.prisma.io/docs/orm/reference/error-reference */
const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** The driver adapter's kinds for the same, found under meta.driverAdapterError.cause.kind. */
const UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** node-postgres reports a socket closed mid-query with a plain Error and no code. */
const UNREACHABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect/i;

/**
 * Turns "the database is unreachable", in any of the shapes Prisma and
 * node-postgres report it, into one retryable AppError, so HTTP can answer
 * 503 with Retry-After instead of 500. Other errors pass through unchanged.
 */
export function asDatabaseError(error: unknown): unknown {
  if (error instanceof AppError || !isUnreachable(error)) return error;
  return retryableError(ORDER_ERRORS.databaseUnavailable, 'The database is unavailable', {
    details: { detail: 'Try again shortly.' },
    cause: error,
  });
}

/** Runs a database call, reporting an unreachable database as DATABASE.UNAVAILABLE. */
export async function database<Result>(call: () => Promise<Result>): Promise<Result> {
  try {
    return await call();
  } catch (error) {
    throw asDatabaseError(error);
  }
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return error instanceof AppError && error.code === ORDER_ERRORS.databaseUnavailable;
}

function isUnreachable(error: unknown): boolean {
  const candidate = error as {
    code?: unknown;
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
    cause?: { kind?: unknown };
  } | null;
  if (!candidate) return false;
  if (typeof candidate.code === 'string' && UNREACHABLE_CODES.has(candidate.code)) return true;
  const kind = candidate.meta?.driverAdapterError?.cause?.kind ?? candidate.cause?.kind;
  if (typeof kind === 'string' && UNREACHABLE_KINDS.has(kind)) return true;
  return typeof candidate.message === 'string' && UNREACHABLE_MESSAGES.test(candidate.message);
}
