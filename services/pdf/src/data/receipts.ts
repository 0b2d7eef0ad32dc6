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

/** Where the handler records a receipt, in the inbox's transaction; unit tests give it one in memory. */
export interface ReceiptRecords {
  record(tx: TransactionClient, receipt: ReceiptRecord): Promise<void>;
}

/** The receipts table in Postgres. */
export const receiptRecords: ReceiptRecords = { record: recordReceipt };
