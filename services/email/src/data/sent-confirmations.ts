import { type JobToSchedule, scheduleJob } from '@shared/operations';
import type { PrismaClient, TransactionClient } from '@shop/contracts/database';

export interface SentConfirmation {
  orderId: string;
  eventId: string;
  messageId: string;
  recipient: string;
}

export function findSentConfirmation(db: PrismaClient | TransactionClient, orderId: string) {
  return db.sentEmail.findUnique({ where: { orderId } });
}

/**
 * Writes the order's confirmation record before the send, in the caller's
 * transaction: a concurrent attempt for the same order waits on the row until
 * this transaction ends. False when the order already has a record (its event
 * arrived before under another id).
 */
export async function claimConfirmation(tx: TransactionClient, sent: SentConfirmation): Promise<boolean> {
  const { count } = await tx.sentEmail.createMany({ data: [sent], skipDuplicates: true });
  return count === 1;
}

/** What sending a confirmation needs of the database; unit tests give it one in memory. */
export interface SentConfirmations {
  /** The order's confirmation record, read in `tx`, or on its own without one. */
  find(orderId: string, tx?: TransactionClient): Promise<SentConfirmation | null>;
  claim(tx: TransactionClient, sent: SentConfirmation): Promise<boolean>;
  /** Schedules one of the service's jobs (the review request) in `tx`. */
  scheduleJob(tx: TransactionClient, job: JobToSchedule): Promise<boolean>;
}

/** The confirmation records and the jobs table in Postgres. */
export function sentConfirmationsIn(prisma: PrismaClient): SentConfirmations {
  return {
    find: (orderId, tx) => findSentConfirmation(tx ?? prisma, orderId),
    claim: claimConfirmation,
    scheduleJob,
  };
}
