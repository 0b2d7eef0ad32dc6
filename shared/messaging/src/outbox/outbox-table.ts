/** What the relay and the backlog need of a Prisma client: raw SQL in one round trip. */
export interface OutboxDatabase {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

const QUALIFIED_NAME = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

/**
 * A schema-qualified outbox table name, checked, since it is written into SQL.
 * The table's columns are the runtime's contract: id (the event id), type,
 * payload (the envelope), created_at, published_at, attempts, last_error,
 * next_attempt_at, parked_at, traceparent (nullable: the trace the publish
 * continues). See docs/messaging.md.
 */
export function outboxTable(name: string): string {
  if (!QUALIFIED_NAME.test(name))
    throw new Error(`Outbox table "${name}": expected schema.table in a-z, 0-9, _`);
  return name;
}
