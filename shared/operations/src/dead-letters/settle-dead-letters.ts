import type { StoredMessage } from './dead-letter-rows';
import type { DeadLetterState } from './parked-message';
import { type StoreDatabase, type StoreTables, type StoreTransaction, typeIn } from './store-database';

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

/** One dead letter to replay, who asked and why, how it is sent again. */
export interface Replay {
  queue: string;
  id: string;
  settlement: Settlement;
  /** Resolves once the broker confirmed. */
  republish: (message: StoredMessage) => Promise<void>;
  /** How long the row's lock may be held: the publish and confirm, then the commit. */
  timeoutMs: number;
}

/**
 * Replays one parked dead letter: under the row's lock, `republish` sends it
 * (and resolves once the broker confirmed), then the row is marked replayed
 * and its audit entry written, all in one transaction. A row already
 * settled, or held by a replay running elsewhere, is skipped. If the commit
 * fails after the broker confirmed, the row stays parked and a later replay
 * sends it again: a duplicate the service's inbox absorbs.
 */
export async function replayParked(
  db: StoreDatabase,
  tables: StoreTables,
  { queue, id, settlement, republish, timeoutMs }: Replay,
): Promise<Skipped | null> {
  return db.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRawUnsafe<(StoredMessage & { message_id: string })[]>(
        `SELECT id::text AS id, message_id, properties, headers, body FROM ${tables.deadLetters}
         WHERE queue = $1 AND id = $2::uuid AND state = 'parked' FOR UPDATE SKIP LOCKED`,
        queue,
        id,
      );
      if (!row) return { id, state: await stateOf(tx, tables.deadLetters, queue, id) };
      // Prisma reads bytea as a Uint8Array; amqplib publishes Buffers.
      await republish({ ...row, messageId: row.message_id, body: Buffer.from(row.body) });
      await tx.$executeRawUnsafe(
        settleSql(tables, 'replayed'),
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
export async function discardParked(
  db: StoreTransaction,
  tables: StoreTables,
  queue: string,
  ids: readonly string[],
  settlement: Settlement,
): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `${settleSql(tables, 'discarded')} RETURNING dead_letter_id::text AS id`,
    queue,
    ids,
    settlement.actor,
    settlement.reason,
  );
  return rows.map(({ id }) => id);
}

/**
 * Settles parked rows of a queue ($1) among ids ($2) and writes an audit
 * entry for each, by actor ($3) with reason ($4), in one statement.
 */
function settleSql(tables: StoreTables, state: 'replayed' | 'discarded'): string {
  const action = state === 'replayed' ? 'replay' : 'discard';
  return `WITH settled AS (
        UPDATE ${tables.deadLetters}
        SET state = '${state}'::${typeIn(tables.deadLetters, 'dead_letter_state')}, settled_at = now()
        WHERE queue = $1 AND id = ANY($2::uuid[]) AND state = 'parked'
        RETURNING id, service, message_id, order_id, last_error
      )
      INSERT INTO ${tables.audit} (action, service, dead_letter_id, message_id, order_id, actor, reason, last_error)
      SELECT '${action}'::${typeIn(tables.audit, 'dead_letter_action_kind')}, service, id, message_id,
        order_id, $3, $4, last_error
      FROM settled`;
}

async function stateOf(
  tx: StoreTransaction,
  table: string,
  queue: string,
  id: string,
): Promise<Skipped['state']> {
  const [row] = await tx.$queryRawUnsafe<{ state: DeadLetterState }[]>(
    `SELECT state::text AS state FROM ${table} WHERE queue = $1 AND id = $2::uuid`,
    queue,
    id,
  );
  // Parked but locked: another replay has it in hand right now.
  return row?.state ?? 'missing';
}
