import type { EventEnvelope } from './events';

/** The two things the inbox needs of a Prisma client: raw SQL, and an interactive transaction. */
export interface InboxTransaction {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface InboxDatabase<Tx extends InboxTransaction = InboxTransaction> {
  $transaction<Result>(work: (tx: Tx) => Promise<Result>, options?: { timeout?: number }): Promise<Result>;
  $queryRawUnsafe<Row = unknown>(query: string, ...values: unknown[]): Promise<Row>;
}

export type InboxResult<Result> = { duplicate: false; result: Result } | { duplicate: true };

/**
 * The row that marks an event handled, for a handler that writes it itself:
 * `INSERT INTO "<schema>".processed_events (event_id, event_type) VALUES (...)
 * ON CONFLICT (event_id) DO NOTHING`, in the same statement as its effect
 * (contracts/database has the SQL fragment).
 */
export interface InboxClaim {
  schema: string;
  eventId: string;
  eventType: string;
}

/** The inbox of one service bound to one delivery: what a handler calls to run its effect once. */
export interface Inbox<Tx extends InboxTransaction = InboxTransaction> {
  /**
   * For a hot path whose whole effect is one SQL statement: the claim to
   * write in that statement (as a CTE the effect selects from), so the
   * effect and the claim commit together in one round trip, with no
   * interactive transaction. Same guarantee as `once`.
   */
  readonly claim: InboxClaim;
  /**
   * Runs `effect` in a transaction that first records the event's id in the
   * service's inbox; a redelivered event finds its id there and `effect`
   * does not run. Two deliveries racing each other queue on the id: the
   * second waits for the first to commit, then sees a duplicate; if the
   * first rolls back, the second does the work. Either way the effect
   * commits once.
   */
  once<Result>(effect: (tx: Tx) => Promise<Result>): Promise<InboxResult<Result>>;
}

/**
 * The inbox of `schema` (`<schema>.processed_events`) for one event. The
 * transaction may stay open `timeoutMs` (the runtime gives it longer than the
 * handler's timeout, so a claim outlives the attempt that holds it).
 */
export function inboxFor<Tx extends InboxTransaction>(
  db: InboxDatabase<Tx>,
  schema: string,
  event: Pick<EventEnvelope, 'id' | 'type'>,
  timeoutMs: number,
): Inbox<Tx> {
  // The schema name comes from the registry, which admits only [a-z0-9_] names.
  const claim = `INSERT INTO "${schema}"."processed_events" (event_id, event_type) VALUES ($1::uuid, $2)
    ON CONFLICT (event_id) DO NOTHING`;
  return {
    claim: { schema, eventId: event.id, eventType: event.type },
    once: (effect) =>
      db.$transaction(
        async (tx) => {
          if ((await tx.$executeRawUnsafe(claim, event.id, event.type)) === 0) return { duplicate: true };
          return { duplicate: false, result: await effect(tx) };
        },
        { timeout: timeoutMs },
      ),
  };
}

/** Whether `schema`'s inbox holds the event: its effect has committed. */
export async function inboxHolds(db: InboxDatabase, schema: string, eventId: string): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM "${schema}"."processed_events" WHERE event_id = $1::uuid`,
    eventId,
  );
  return rows.length > 0;
}
