import type { PrismaClient, TransactionClient } from '@shop/shared/database';

export interface SentConfirmation {
  orderId: string;
  eventId: string;
  messageId: string;
  recipient: string;
}

export function findSentConfirmation(db: PrismaClient | TransactionClient, orderId: string) {
  return db.sentEmail.findUnique({ where: { orderId } });
}

/** Keyed by order: a second record for the same order (another event id) is a no-op, not an error. */
export async function recordSentConfirmation(tx: TransactionClient, sent: SentConfirmation): Promise<void> {
  await tx.sentEmail.createMany({ data: [sent], skipDuplicates: true });
}
