import { BROKER_UNAVAILABLE } from '@shared/core/errors';

/** How an error code is answered over HTTP: its status, and whether the answer carries Retry-After. */
export interface ErrorAnswer {
  status: number;
  /** A refusal worth repeating as it is, later: the answer says when (Retry-After: the error's own time, or the service's). */
  retryAfter?: boolean;
  /** The challenge of a 401 (WWW-Authenticate). */
  authenticate?: string;
}

/** Error codes (AppError.code) and their answers; anything not in the table is a 500. */
export type ErrorTable = Readonly<Record<string, ErrorAnswer>>;

/** A request its route's schemas refuse, when the route names no code of its own. */
export const REQUEST_INVALID = 'REQUEST.INVALID';

/** A file the reference page (/docs) does not have. */
export const DOCS_FILE_NOT_FOUND = 'DOCS.FILE_NOT_FOUND';

/** /metrics without METRICS_TOKEN configured: off, as if absent. */
export const METRICS_OFF = 'METRICS.OFF';
/** /metrics without the right bearer token. */
export const METRICS_UNAUTHORIZED = 'METRICS.UNAUTHORIZED';

/** The runtime's own codes that reach HTTP. An application's table spreads these into its own. */
export const RUNTIME_ERROR_ANSWERS = {
  [BROKER_UNAVAILABLE]: { status: 503, retryAfter: true },
  [REQUEST_INVALID]: { status: 400 },
  [DOCS_FILE_NOT_FOUND]: { status: 404 },
  [METRICS_OFF]: { status: 404 },
  [METRICS_UNAUTHORIZED]: { status: 401, authenticate: 'Bearer realm="metrics"' },
} as const satisfies ErrorTable;
