import type { EventEnvelope } from '../events';

/** A row as the claim returns it. */
export interface ClaimedRow {
  id: string;
  payload: EventEnvelope;
  attempts: number;
  created_at: Date;
  /** The trace the writer was in; the publish continues it. */
  traceparent: string | null;
}

export type RelayStatements = ReturnType<typeof relayStatements>;

/** The relay's statements on `table`, limited to the rows of `service` when given. */
export function relayStatements(table: string, service: string | undefined) {
  // The name is written into the SQL, so it may only be a plain name.
  if (service !== undefined && !/^[a-z][a-z0-9-]*$/.test(service))
    throw new Error(`Outbox service "${service}": use a-z, 0-9 and "-"`);
  const scope = service === undefined ? '' : `AND service = '${service}'`;
  return {
    // The claim and its lease in one statement; RETURNING gives the rows in no set order, so they are sorted.
    claim: `
      WITH due AS (
        SELECT id FROM ${table}
        WHERE published_at IS NULL AND parked_at IS NULL AND next_attempt_at <= now() ${scope}
        ORDER BY created_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${table} AS outbox
      SET next_attempt_at = now() + $2 * interval '1 millisecond'
      FROM due WHERE outbox.id = due.id
      RETURNING outbox.id::text AS id, outbox.payload, outbox.attempts, outbox.created_at, outbox.traceparent`,
    published: `UPDATE ${table} SET published_at = now() WHERE id = ANY($1::uuid[]) AND published_at IS NULL`,
    release: `UPDATE ${table} SET next_attempt_at = now() WHERE id = $1::uuid AND published_at IS NULL`,
    failed: `
      UPDATE ${table}
      SET attempts = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond'
      WHERE id = $1::uuid`,
    parked: `
      UPDATE ${table}
      SET attempts = $2, last_error = $3, parked_at = now(), next_attempt_at = now() + $4 * interval '1 millisecond'
      WHERE id = $1::uuid`,
  };
}
