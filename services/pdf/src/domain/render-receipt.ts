import type { EventOf, OrderCompletedV1 } from '@shop/shared/events';
import PDFDocument from 'pdfkit';

type OrderCompleted = EventOf<typeof OrderCompletedV1>;

/**
 * The receipt for one order as PDF bytes: order id, date, customer, every
 * line with quantity and price, the total and the payment id. Rendered into
 * memory so the file can be written in one atomic step.
 */
export function renderReceipt(order: OrderCompleted['data']): Promise<Buffer> {
  const money = (cents: number) =>
    new Intl.NumberFormat('en', { style: 'currency', currency: order.currency }).format(cents / 100);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Receipt ${order.orderId}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.fontSize(20).text('Receipt');
  doc.moveDown(0.5).fontSize(10);
  doc.text(`Order: ${order.orderId}`);
  doc.text(`Date: ${order.placedAt.slice(0, 10)}`);
  doc.text(`Customer: ${order.customer.name} <${order.customer.email}>`);
  doc.moveDown();
  for (const item of order.items) {
    doc.text(
      `${item.quantity} x ${item.name} (${item.sku}) at ${money(item.unitPriceCents)}: ${money(item.lineTotalCents)}`,
    );
  }
  doc.moveDown();
  doc.fontSize(12).text(`Total: ${money(order.totalCents)}`);
  doc.fontSize(10).text(`Payment: ${order.paymentId}`);
  doc.end();
  return finished;
}
