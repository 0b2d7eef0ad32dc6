import type { EventOf, HandlerContext } from '@shared/messaging';
import type { TransactionClient } from '@shop/contracts/database';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import { receiptUrl } from '@shop/contracts/receipts';
import type { ReceiptFiles } from '../data/receipt-files';
import type { ReceiptRecords } from '../data/receipts';
import { renderReceipt } from '../domain/render-receipt';

export interface GenerateReceiptDeps extends HandlerContext<TransactionClient> {
  files: ReceiptFiles;
  receipts: ReceiptRecords;
  receiptsBaseUrl: string;
  vatRate: number;
}

/**
 * The file is the effect and it is idempotent by itself (same name, atomic
 * replace), so it is written on every delivery; the inbox row only keeps the
 * record. A redelivery therefore also repairs a receipt deleted by hand.
 * Returns what `pdf.receipt.generated` reports.
 */
export async function generateReceiptWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: GenerateReceiptDeps,
) {
  const { orderId } = event.data;
  const pdf = await renderReceipt(event.data, { vatRate: deps.vatRate });
  await deps.files.write(orderId, pdf);
  const record = { orderId, eventId: event.id, fileName: deps.files.fileName(orderId), bytes: pdf.length };
  await deps.inbox.once((tx) => deps.receipts.record(tx, record));
  return { url: receiptUrl(deps.receiptsBaseUrl, orderId), bytes: pdf.length };
}
