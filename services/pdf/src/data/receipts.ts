import type { TransactionClient } from '@shop/contracts/database';

export interface ReceiptRecord {
  orderId: string;
  eventId: string;
  fileName: string;
  bytes: number;
}

/** One row per order: rewriting the file for a redelivered event keeps the first row. */
export async function recordReceipt(tx: TransactionClient, receipt: ReceiptRecord): Promise<void> {
  await tx.receipt.createMany({ data: [receipt], skipDuplicates: true });
}
