import type { DeadLetter, DeadLetterDetail, DeadLetterState, ParkedRecord } from './parked-message';
import { parseBody } from './parked-message';

/** Raw SQL and an interactive transaction: what the store needs of a Prisma client. */
export interface StoreTransaction {
  $queryRawUnsafe<Row = unknown>(query: string, ...values: unknown[]): Promise<Row>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface StoreDatabase extends StoreTransaction {
  $transaction<Result>(
    work: (tx: StoreTransaction) => Promise<Result>,
    options?: { timeout?: number },
  ): Promise<Result>;
}

/** The application's tables: the dead letters, and the operators' audit log. */
export interface StoreTables {
  /** e.g. `operations.dead_letters` (prisma/schema.prisma's DeadLetter). */
  deadLetters: string;
  /** e.g. `operations.dead_letter_actions` (DeadLetterAction). */
  audit: string;
}

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

/** What an operator's replay or discard wrote down, for the audit. */
export interface Settlement {
  action: 'replay' | 'discard';
  actor: string;
  reason: string | null;
}

/** A dead letter an action did not settle, and the state it was found in (missing: not in this DLQ). */
export interface Skipped {
  id: string;
  state: DeadLetterState | 'missing';
}

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

// `seq` is read as text (a bigint) under another name: ORDER BY seq must mean the column.
const COLUMNS = `id::text AS id, seq::text AS position, service, message_id, type, order_id, correlation_id, attempts, reason,
  last_error, last_error_code, first_failure_at, parked_at, state::text AS state, settled_at`;

interface Row {
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

  /**
   * Replays one parked dead letter: under the row's lock, `republish` sends it
   * (and resolves once the broker confirmed), then the row is marked replayed
   * and its audit entry written, all in one transaction. A row already
   * settled, or held by a replay running elsewhere, is skipped. If the commit
   * fails after the broker confirmed, the row stays parked and a later replay
   * sends it again: a duplicate the service's inbox absorbs.
   */
  async replayOne(
    queue: string,
    id: string,
    settlement: Settlement,
    republish: (message: StoredMessage) => Promise<void>,
    timeoutMs: number,
  ): Promise<Skipped | null> {
    return this.db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRawUnsafe<(StoredMessage & { message_id: string })[]>(
          `SELECT id::text AS id, message_id, properties, headers, body FROM ${this.tables.deadLetters}
           WHERE queue = $1 AND id = $2::uuid AND state = 'parked' FOR UPDATE SKIP LOCKED`,
          queue,
          id,
        );
        if (!row) return { id, state: await this.stateOf(tx, queue, id) };
        // Prisma reads bytea as a Uint8Array; amqplib publishes Buffers.
        await republish({ ...row, messageId: row.message_id, body: Buffer.from(row.body) });
        await tx.$executeRawUnsafe(
          this.settleSql('replayed'),
          queue,
          [id],
          settlement.actor,
          settlement.reason,
        );
        return null;
      },
      { timeout: timeoutMs },
    );
  }

  /** Discards the parked dead letters among `ids`, each with its audit entry, in one statement. */
  async discard(queue: string, ids: readonly string[], settlement: Settlement): Promise<string[]> {
    const rows = await this.db.$queryRawUnsafe<{ id: string }[]>(
      `${this.settleSql('discarded')} RETURNING dead_letter_id::text AS id`,
      queue,
      ids,
      settlement.actor,
      settlement.reason,
    );
    return rows.map(({ id }) => id);
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
    await this.db.$executeRawUnsafe(
      `INSERT INTO ${this.tables.audit} (action, service, actor) VALUES ($1::${typeIn(this.tables.audit, 'dead_letter_action_kind')}, $2, $3)`,
      entry.action,
      entry.service,
      entry.actor,
    );
  }

  /** The audit log, newest first. */
  async history({ service, subject, limit }: AuditQuery): Promise<AuditEntry[]> {
    const rows = await this.db.$queryRawUnsafe<
      (Omit<AuditEntry, 'at' | 'subject'> & { at: Date; subject: string | null })[]
    >(
      `SELECT id::text AS id, at, action::text AS action, service, dead_letter_id::text AS "deadLetterId",
         message_id AS "messageId", order_id AS subject, actor, reason, last_error AS "lastError"
       FROM ${this.tables.audit}
       WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR order_id = $2)
       ORDER BY at DESC, id LIMIT $3`,
      service ?? null,
      subject ?? null,
      limit,
    );
    return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
  }

  /**
   * Settles parked rows of a queue ($1) among ids ($2) and writes an audit
   * entry for each, by actor ($3) with reason ($4), in one statement.
   */
  private settleSql(state: 'replayed' | 'discarded') {
    const action = state === 'replayed' ? 'replay' : 'discard';
    return `WITH settled AS (
        UPDATE ${this.tables.deadLetters}
        SET state = '${state}'::${typeIn(this.tables.deadLetters, 'dead_letter_state')}, settled_at = now()
        WHERE queue = $1 AND id = ANY($2::uuid[]) AND state = 'parked'
        RETURNING id, service, message_id, order_id, last_error
      )
      INSERT INTO ${this.tables.audit} (action, service, dead_letter_id, message_id, order_id, actor, reason, last_error)
      SELECT '${action}'::${typeIn(this.tables.audit, 'dead_letter_action_kind')}, service, id, message_id,
        order_id, $3, $4, last_error
      FROM settled`;
  }

  private async stateOf(tx: StoreTransaction, queue: string, id: string): Promise<Skipped['state']> {
    const [row] = await tx.$queryRawUnsafe<{ state: DeadLetterState }[]>(
      `SELECT state::text AS state FROM ${this.tables.deadLetters} WHERE queue = $1 AND id = $2::uuid`,
      queue,
      id,
    );
    // Parked but locked: another replay has it in hand right now.
    return row?.state ?? 'missing';
  }
}

/** The WHERE clause of a filter over one queue, with its parameters in order. */
function whereOf(table: string, queue: string, filter: DeadLetterFilter): { sql: string; values: unknown[] } {
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

function deadLetterOf(row: Row): DeadLetter {
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

/** A page's end as an opaque cursor: the last row's parked time and place in the store. */
function cursorOf(row: Row): string {
  return Buffer.from(`${row.parked_at.toISOString()}|${row.position}`).toString('base64url');
}

/** The cursor's parts; a cursor this store did not write starts from the beginning. */
function parseCursor(cursor: string): { parkedAt: Date; seq: string } | undefined {
  const [at, seq] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const parkedAt = new Date(at ?? '');
  if (Number.isNaN(parkedAt.getTime()) || !seq || !/^[0-9]{1,19}$/.test(seq)) return undefined;
  return { parkedAt, seq };
}

/** A type of the store's table layout, in the schema of `table` (the migration creates both). */
function typeIn(table: string, type: string): string {
  return `${table.split('.')[0]}.${type}`;
}
