import type { Row } from './dead-letter-rows';
import type { DeadLetter, DeadLetterState } from './parked-message';
import { typeIn } from './store-database';

/** Which dead letters of one DLQ to read; every given criterion must match. */
export interface DeadLetterFilter {
  /** Default: parked. */
  state?: DeadLetterState;
  subject?: string;
  type?: string;
  /** The error code, exactly (`ECONNREFUSED`, `EMAIL.SMTP_REJECTED`...). */
  errorCode?: string;
  /** Case-insensitive text searched in the last error and its code. */
  errorContains?: string;
  /** Parked at or after. */
  since?: Date;
  /** Parked before. */
  until?: Date;
}

/** One page of a search, oldest parked first. */
export interface DeadLetterPage {
  items: DeadLetter[];
  /** Dead letters matching the filter, on every page. */
  total: number;
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

/** The WHERE clause of a filter over one queue, with its parameters in order. */
export function whereOf(
  table: string,
  queue: string,
  filter: DeadLetterFilter,
): { sql: string; values: unknown[] } {
  const values: unknown[] = [queue, filter.state ?? 'parked'];
  const clauses = ['queue = $1', `state = $2::${typeIn(table, 'dead_letter_state')}`];
  const add = (sql: (n: number) => string, value: unknown) => {
    values.push(value);
    clauses.push(sql(values.length));
  };
  if (filter.subject !== undefined) add((n) => `order_id = $${n}`, filter.subject);
  if (filter.type !== undefined) add((n) => `type = $${n}`, filter.type);
  if (filter.errorCode !== undefined) add((n) => `last_error_code = $${n}`, filter.errorCode);
  if (filter.errorContains !== undefined) {
    add(
      (n) =>
        `strpos(lower(coalesce(last_error, '') || E'\\n' || coalesce(last_error_code, '')), lower($${n})) > 0`,
      filter.errorContains,
    );
  }
  if (filter.since !== undefined) add((n) => `parked_at >= $${n}`, filter.since);
  if (filter.until !== undefined) add((n) => `parked_at < $${n}`, filter.until);
  return { sql: clauses.join(' AND '), values };
}

/** A page's end as an opaque cursor: the last row's parked time and place in the store. */
export function cursorOf(row: Row): string {
  return Buffer.from(`${row.parked_at.toISOString()}|${row.position}`).toString('base64url');
}

/** The cursor's parts; a cursor this store did not write starts from the beginning. */
export function parseCursor(cursor: string): { parkedAt: Date; seq: string } | undefined {
  const [at, seq] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const parkedAt = new Date(at ?? '');
  if (Number.isNaN(parkedAt.getTime()) || !seq || !/^[0-9]{1,19}$/.test(seq)) return undefined;
  return { parkedAt, seq };
}
