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

/** A type of the store's table layout, in the schema of `table` (the migration creates both). */
export function typeIn(table: string, type: string): string {
  return `${table.split('.')[0]}.${type}`;
}
