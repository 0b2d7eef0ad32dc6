import type { PrismaClient } from '@shop/shared/database';
import { createEvent, type EventOf, type OrderCompletedV1, ReceiptGeneratedV1 } from '@shop/shared/events';
import { type Broker, type HandlerContext, handleOnce } from '@shop/shared/messaging';
import type { ReceiptFiles } from '../data/receipt-files';
import { recordReceipt } from '../data/receipts';
import { renderReceipt } from '../domain/render-receipt';

export interface GenerateReceiptDeps extends HandlerContext {
  prisma: PrismaClient;
  files: ReceiptFiles;
  broker: Pick<Broker, 'publish'>;
  receiptsBaseUrl: string;
}

/**
 * The file is the effect and it is idempotent by itself (same name, atomic
 * replace), so it is written on every delivery; the inbox row only keeps the
 * record. A redelivery therefore also repairs a receipt deleted by hand.
 */
export async function generateReceiptWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: GenerateReceiptDeps,
): Promise<void> {
  const { orderId } = event.data;
  const pdf = await renderReceipt(event.data);
  await deps.files.write(orderId, pdf);
  const record = { orderId, eventId: event.id, fileName: deps.files.fileName(orderId), bytes: pdf.length };
  await handleOnce(deps.prisma, 'pdf', event, (tx) => recordReceipt(tx, record));
  await deps.broker.publish(
    createEvent(
      ReceiptGeneratedV1,
      {
        orderId,
        attempt: deps.attempt,
        url: `${deps.receiptsBaseUrl.replace(/\/+$/, '')}/receipts/${record.fileName}`,
        bytes: pdf.length,
      },
      { correlationId: event.correlationId },
    ),
  );
}
