import type { DeadLetter, DeadLetterState } from './parked-message';

// `seq` is read as text (a bigint) under another name: ORDER BY seq must mean the column.
export const COLUMNS = `id::text AS id, seq::text AS position, service, message_id, type, order_id, correlation_id, attempts, reason,
  last_error, last_error_code, first_failure_at, parked_at, state::text AS state, settled_at`;

export interface Row {
  id: string;
  position: string;
  service: string;
  message_id: string;
  type: string | null;
  order_id: string | null;
  correlation_id: string | null;
  attempts: number;
  reason: string | null;
  last_error: string | null;
  last_error_code: string | null;
  first_failure_at: Date | null;
  parked_at: Date;
  state: DeadLetterState;
  settled_at: Date | null;
}

/** A row as the replay republishes it. */
export interface StoredMessage {
  id: string;
  messageId: string;
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: Buffer;
}

export function deadLetterOf(row: Row): DeadLetter {
  return {
    id: row.id,
    service: row.service,
    messageId: row.message_id,
    type: row.type,
    subject: row.order_id,
    correlationId: row.correlation_id,
    attempts: row.attempts,
    reason: row.reason,
    lastError: row.last_error,
    lastErrorCode: row.last_error_code,
    firstFailureAt: row.first_failure_at?.toISOString() ?? null,
    parkedAt: row.parked_at.toISOString(),
    state: row.state,
    settledAt: row.settled_at?.toISOString() ?? null,
  };
}
