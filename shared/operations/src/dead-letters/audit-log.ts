import { type StoreTransaction, typeIn } from './store-database';

/** An entry of the operators' audit log: a replay or discard of a dead letter, or a pause or resume. */
export interface AuditEntry {
  id: string;
  at: string;
  action: 'replay' | 'discard' | 'pause' | 'resume';
  service: string;
  deadLetterId: string | null;
  messageId: string | null;
  subject: string | null;
  actor: string;
  reason: string | null;
  lastError: string | null;
}

/** Which audit entries to read: every given criterion must match; newest first. */
export interface AuditQuery {
  service?: string;
  subject?: string;
  limit: number;
}

/** Writes an operator's action that settles no dead letter (a pause, a resume). */
export async function recordAction(
  db: StoreTransaction,
  audit: string,
  entry: { action: 'pause' | 'resume'; service: string; actor: string },
): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO ${audit} (action, service, actor) VALUES ($1::${typeIn(audit, 'dead_letter_action_kind')}, $2, $3)`,
    entry.action,
    entry.service,
    entry.actor,
  );
}

/** The audit log, newest first. */
export async function auditHistory(
  db: StoreTransaction,
  audit: string,
  { service, subject, limit }: AuditQuery,
): Promise<AuditEntry[]> {
  const rows = await db.$queryRawUnsafe<
    (Omit<AuditEntry, 'at' | 'subject'> & { at: Date; subject: string | null })[]
  >(
    `SELECT id::text AS id, at, action::text AS action, service, dead_letter_id::text AS "deadLetterId",
       message_id AS "messageId", order_id AS subject, actor, reason, last_error AS "lastError"
     FROM ${audit}
     WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR order_id = $2)
     ORDER BY at DESC, id LIMIT $3`,
    service ?? null,
    subject ?? null,
    limit,
  );
  return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
}
