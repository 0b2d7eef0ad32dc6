import { z } from 'zod';

/** Unicode's control characters (general category Cc): C0, DEL and C1, including NUL. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * A string a request carries into the database, an event or a log. Every
 * string field of a request schema starts from it, then adds its own bounds
 * (`text().trim().min(1).max(200)`). It refuses, with a message that quotes
 * nothing of the input:
 *
 * - control characters: Postgres refuses NUL in text ("invalid byte
 *   sequence for encoding UTF8: 0x00"), and the others have no place in a
 *   name, a SKU or a reason (they forge log lines, email headers, receipts);
 * - ill-formed UTF-16 (a lone surrogate such as "\ud800"): it has no UTF-8
 *   encoding, so the driver writes U+FFFD instead, and jsonb refuses its
 *   JSON escape (the outbox). https://tc39.es/ecma262/#sec-string.prototype.iswellformed
 */
export function text() {
  return z
    .string()
    .refine((value) => !CONTROL_CHARACTER.test(value), 'must not contain control characters')
    .refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');
}
