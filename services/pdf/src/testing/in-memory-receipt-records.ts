import type { ReceiptRecord, ReceiptRecords } from '../data/receipts';

/** The receipts table in memory: one row per order, the first one kept. */
export class InMemoryReceiptRecords implements ReceiptRecords {
  readonly rows: ReceiptRecord[] = [];

  async record(_tx: unknown, receipt: ReceiptRecord): Promise<void> {
    if (!this.rows.some((row) => row.orderId === receipt.orderId)) this.rows.push(receipt);
  }
}
