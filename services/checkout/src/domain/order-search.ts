/** What GET /orders looks for, newest first; every criterion given must match. */
export interface OrderSearch {
  limit: number;
  /** The customer's address, matched exactly but regardless of case. */
  email?: string;
  /** An order id, or its first 8 or more characters as written in one (dashes in their places). */
  idPrefix?: string;
}

const UUID_SHAPE = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
const HEX = /^[0-9a-f]$/;

/** Whether `value` begins an order id as it is written: at least its first 8 hex digits, lower or upper case. */
export function isOrderIdPrefix(value: string): boolean {
  return (
    value.length >= 8 &&
    value.length <= UUID_SHAPE.length &&
    [...value.toLowerCase()].every((char, index) =>
      UUID_SHAPE[index] === '-' ? char === '-' : HEX.test(char),
    )
  );
}

/**
 * Every id that begins with `prefix`, as an inclusive range. Postgres orders
 * uuids byte by byte, which is the order of their hex text, so the primary
 * key's index finds the range without reading the table.
 */
export function idRangeOf(prefix: string): { from: string; to: string } {
  const start = prefix.toLowerCase();
  const rest = UUID_SHAPE.slice(start.length);
  return { from: start + rest.replaceAll('x', '0'), to: start + rest.replaceAll('x', 'f') };
}
