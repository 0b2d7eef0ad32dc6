import { type AuditEntry, type AuditQuery, auditHistory, recordAction } from './audit-log';
import {
  cursorOf,
  type DeadLetterFilter,
  type DeadLetterPage,
  parseCursor,
  whereOf,
} from './dead-letter-filter';
import { COLUMNS, deadLetterOf, type Row, type StoredMessage } from './dead-letter-rows';
import type { DeadLetter, DeadLetterDetail, ParkedRecord } from './parked-message';
import { parseBody } from './parked-message';
import { discardParked, replayParked, type Settlement, type Skipped } from './settle-dead-letters';
import type { StoreDatabase, StoreTables } from './store-database';

/** The same failure, many times: one row per type, error code and reason. */
export interface FailureGroup {
  type: string | null;
  lastErrorCode: string | null;
  reason: string | null;
  count: number;
}

/** One parked message's summary per DLQ. */
export interface StoredCount {
  queue: string;
  parked: number;
  oldestParkedAt: string | null;
}

/**
 * The dead letters in Postgres: what the drain took out of each DLQ, and every
 * operator action on them. Reading here touches nothing in RabbitMQ, so no
 * read, however often repeated, changes a message's delivery count (on
 * RabbitMQ 4.x a quorum queue dead-letters a message read back 20 times, and
 * drops it when that leads back to the queue it came from). Replays and
 * discards settle a row and write its audit entry in one transaction.
 * See docs/dead-letters.md.
 */
export class DeadLetterStore {
  constructor(
    private readonly db: StoreDatabase,
    private readonly tables: StoreTables,
  ) {}

  /** Keeps a parked message; the same copy stored twice is kept once. */
  async park(record: ParkedRecord): Promise<void> {
    await this.db.$executeRawUnsafe(
      `INSERT INTO ${this.tables.deadLetters} (queue, service, fingerprint, message_id, type, order_id,
         correlation_id, attempts, reason, last_error, last_error_code, first_failure_at, parked_at,
         properties, headers, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16)
       ON CONFLICT (queue, fingerprint) DO NOTHING`,
      record.queue,
      record.service,
      record.fingerprint,
      record.messageId,
      record.type,
      record.subject,
      record.correlationId,
      record.attempts,
      record.reason,
      record.lastError,
      record.lastErrorCode,
      record.firstFailureAt,
      record.parkedAt,
      JSON.stringify(record.properties),
      JSON.stringify(record.headers),
      record.body,
    );
  }

  /** Parked dead letters and the oldest one's time, per DLQ (queues with none are left out). */
  counts(queues: readonly string[]): Promise<StoredCount[]> {
    return this.db.$queryRawUnsafe<StoredCount[]>(
      `SELECT queue, count(*)::int AS parked, to_json(min(parked_at))#>>'{}' AS "oldestParkedAt"
       FROM ${this.tables.deadLetters} WHERE queue = ANY($1::text[]) AND state = 'parked'
       GROUP BY queue`,
      queues,
    );
  }

  /** A page of the dead letters of `queue` the filter selects, oldest parked first. */
  async search(
    queue: string,
    filter: DeadLetterFilter,
    limit: number,
    after?: string,
  ): Promise<DeadLetterPage> {
    const where = whereOf(this.tables.deadLetters, queue, filter);
    const page = [...where.values];
    let keyset = '';
    const cursor = after === undefined ? undefined : parseCursor(after);
    if (cursor) {
      page.push(cursor.parkedAt, cursor.seq);
      keyset = ` AND (parked_at, seq) > ($${page.length - 1}::timestamptz, $${page.length}::bigint)`;
    }
    page.push(limit + 1);
    const [rows, [count]] = await Promise.all([
      this.db.$queryRawUnsafe<Row[]>(
        `SELECT ${COLUMNS} FROM ${this.tables.deadLetters} WHERE ${where.sql}${keyset}
         ORDER BY parked_at, seq LIMIT $${page.length}`,
        ...page,
      ),
      this.db.$queryRawUnsafe<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM ${this.tables.deadLetters} WHERE ${where.sql}`,
        ...where.values,
      ),
    ]);
    const items = rows.slice(0, limit).map(deadLetterOf);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      total: count?.total ?? 0,
      next: last ? cursorOf(last) : null,
    };
  }

  /** The parked ids the filter selects, oldest first, at most `limit`; and how many match in all. */
  async select(queue: string, filter: DeadLetterFilter, limit: number) {
    const where = whereOf(this.tables.deadLetters, queue, { ...filter, state: 'parked' });
    const [ids, [count]] = await Promise.all([
      this.db.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text AS id FROM ${this.tables.deadLetters} WHERE ${where.sql}
         ORDER BY parked_at, seq LIMIT $${where.values.length + 1}`,
        ...where.values,
        limit,
      ),
      this.db.$queryRawUnsafe<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM ${this.tables.deadLetters} WHERE ${where.sql}`,
        ...where.values,
      ),
    ]);
    return { ids: ids.map(({ id }) => id), total: count?.total ?? 0 };
  }

  /** The dead letters of `queue` among `ids`, in any state; an id not in the queue is absent. */
  async some(queue: string, ids: readonly string[]): Promise<DeadLetter[]> {
    const rows = await this.db.$queryRawUnsafe<Row[]>(
      `SELECT ${COLUMNS} FROM ${this.tables.deadLetters}
       WHERE queue = $1 AND id = ANY($2::uuid[]) ORDER BY parked_at, seq`,
      queue,
      ids,
    );
    return rows.map(deadLetterOf);
  }

  /** How the selected parked dead letters group by type, error code and reason, largest group first. */
  groups(queue: string, ids: readonly string[]): Promise<FailureGroup[]> {
    return this.db.$queryRawUnsafe<FailureGroup[]>(
      `SELECT type, last_error_code AS "lastErrorCode", reason, count(*)::int AS count
       FROM ${this.tables.deadLetters} WHERE queue = $1 AND id = ANY($2::uuid[]) AND state = 'parked'
       GROUP BY type, last_error_code, reason ORDER BY count(*) DESC, type, last_error_code`,
      queue,
      ids,
    );
  }

  /** One dead letter with its headers and body, or null when `queue` has no such row. */
  async read(queue: string, id: string): Promise<DeadLetterDetail | null> {
    const [row] = await this.db.$queryRawUnsafe<
      (Row & { headers: unknown; properties: unknown; body: Buffer })[]
    >(
      `SELECT ${COLUMNS}, headers, properties, body FROM ${this.tables.deadLetters}
       WHERE queue = $1 AND id = $2::uuid`,
      queue,
      id,
    );
    if (!row) return null;
    const properties = row.properties as Record<string, unknown>;
    return {
      ...deadLetterOf(row),
      headers: row.headers as Record<string, unknown>,
      contentType: typeof properties.contentType === 'string' ? properties.contentType : null,
      body: parseBody(Buffer.from(row.body)) ?? Buffer.from(row.body).toString('utf8'),
    };
  }

  /** Replays one parked dead letter, in one transaction under the row's lock (see replayParked). */
  async replayOne(
    queue: string,
    id: string,
    settlement: Settlement,
    republish: (message: StoredMessage) => Promise<void>,
    timeoutMs: number,
  ): Promise<Skipped | null> {
    return replayParked(this.db, this.tables, { queue, id, settlement, republish, timeoutMs });
  }

  /** Discards the parked dead letters among `ids`, each with its audit entry, in one statement. */
  async discard(queue: string, ids: readonly string[], settlement: Settlement): Promise<string[]> {
    return discardParked(this.db, this.tables, queue, ids, settlement);
  }

  /** The ids among `ids` that are not parked in `queue`, with the state each is in. */
  async unsettled(queue: string, ids: readonly string[], settled: readonly string[]): Promise<Skipped[]> {
    const rest = ids.filter((id) => !settled.includes(id));
    if (rest.length === 0) return [];
    const found = new Map((await this.some(queue, rest)).map((row) => [row.id, row.state]));
    return rest.map((id) => ({ id, state: found.get(id) ?? 'missing' }));
  }

  /** Writes an operator's action that settles no dead letter (a pause, a resume). */
  async record(entry: { action: 'pause' | 'resume'; service: string; actor: string }): Promise<void> {
    return recordAction(this.db, this.tables.audit, entry);
  }

  /** The audit log, newest first. */
  async history(query: AuditQuery): Promise<AuditEntry[]> {
    return auditHistory(this.db, this.tables.audit, query);
  }
}
