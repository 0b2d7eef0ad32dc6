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
