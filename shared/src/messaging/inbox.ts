import type { PrismaClient, TransactionClient } from '../database';
import type { EventEnvelope } from '../events';

/** The Postgres schemas that own an inbox table (`<schema>.processed_events`). */
export type InboxSchema = 'checkout' | 'email' | 'pdf' | 'inventory' | 'analytics';

export type InboxResult<Result> = { duplicate: false; result: Result } | { duplicate: true };

/**
 * Runs a handler's database effect at most once per event.
 *
 * The event id is inserted into the service's inbox in the same transaction
 * as the effect. A redelivered event finds its id already there and changes
 * nothing. Two deliveries racing each other queue on the primary key: the
 * second waits for the first to commit, then sees the conflict; if the first
 * rolls back, the second does the work. Either way the effect commits once.
 */
export async function handleOnce<Result>(
  prisma: PrismaClient,
  inbox: InboxSchema,
  event: Pick<EventEnvelope, 'id' | 'type'>,
  effect: (tx: TransactionClient) => Promise<Result>,
  /** How long the transaction may stay open (Prisma's default is 5 s); raise it for an effect that waits on a network call. */
  options: { timeoutMs?: number } = {},
): Promise<InboxResult<Result>> {
  const transactionOptions = options.timeoutMs ? { timeout: options.timeoutMs } : {};
  return prisma.$transaction(async (tx) => {
    // The schema name comes from the InboxSchema union, never from input.
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO "${inbox}"."processed_events" (event_id, event_type) VALUES ($1::uuid, $2)
       ON CONFLICT (event_id) DO NOTHING`,
      event.id,
      event.type,
    );
    if (inserted === 0) return { duplicate: true };
    return { duplicate: false, result: await effect(tx) };
  }, transactionOptions);
}
