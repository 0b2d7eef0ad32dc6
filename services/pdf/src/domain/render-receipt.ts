import type { EventOf } from '@shared/messaging';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import PDFDocument from 'pdfkit';
import { drawRule, drawTable, type TableColumn } from './draw-table';
import { DEFAULT_VAT_RATE, includedVatCents } from './included-vat';

type Order = EventOf<typeof OrderCompletedV1>['data'];

/** The seller printed on every receipt; its address is the one the shop's emails come from. */
export const SHOP = {
  name: 'Example Shop',
  address: ['Mustergasse 12', '1010 Vienna', 'Austria'],
  email: 'orders@shop.example',
  website: 'shop.example',
};

export interface ReceiptOptions {
  /** The VAT rate every price includes: 0.2 for 20 %. */
  vatRate?: number;
}

// PDF's built-in fonts: nothing to ship or download, and their WinAnsi
// encoding has the euro, pound and yen signs.
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MUTED = '#555555';
const LIGHT_RULE = '#cccccc';
const MARGIN = 50;
// The band under the content on every page that holds the footer.
const FOOTER_HEIGHT = 40;

/**
 * The receipt for one order as PDF bytes: the shop, the customer and order,
 * a table of the lines, the totals with the VAT they include, the payment
 * reference, and a footer on every page. Rendered into memory so the file
 * can be written in one atomic step; the same order always gives the same
 * bytes.
 */
export function renderReceipt(order: Order, options: ReceiptOptions = {}): Promise<Buffer> {
  const vatRate = options.vatRate ?? DEFAULT_VAT_RATE;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_HEIGHT },
    // Pages stay open until the end, when the footer can say "Page 1 of 2".
    bufferPages: true,
    info: {
      Title: `Receipt ${order.orderId}`,
      Author: SHOP.name,
      // The order's time, not the clock's, so a redelivery writes identical bytes.
      CreationDate: new Date(order.placedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const currency = new Intl.NumberFormat('en', { style: 'currency', currency: order.currency });
  const money = (cents: number) => currency.format(cents / 100);
  const count = new Intl.NumberFormat('en');

  drawHeading(doc, order);
  const columns = itemColumns(doc);
  drawTable(
    doc,
    columns,
    order.items.map((item) => [
      { text: item.name, detail: item.sku },
      count.format(item.quantity),
      money(item.unitPriceCents),
      money(item.lineTotalCents),
    ]),
    { font: FONT, boldFont: BOLD, fontSize: 10, detailFontSize: 8, mutedColor: MUTED, ruleColor: LIGHT_RULE },
  );
  drawTotals(doc, columns, {
    subtotal: money(order.items.reduce((sum, item) => sum + item.lineTotalCents, 0)),
    total: money(order.totalCents),
    vatLabel: `incl. VAT ${percent(vatRate)}`,
    // Of the total, what was charged, so the VAT is rounded once per order.
    vat: money(includedVatCents(order.totalCents, vatRate)),
  });
  drawClosing(doc, order);
  drawFooters(doc, order);

  doc.end();
  return finished;
}

/** The shop at the top left, "Receipt" at the top right, then the customer and the order below them. */
function drawHeading(doc: PDFKit.PDFDocument, order: Order) {
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const middle = (left + right) / 2;
  const top = doc.page.margins.top;

  doc.font(BOLD, 18).fillColor('black').text(SHOP.name, left, top);
  doc
    .font(FONT, 9)
    .fillColor(MUTED)
    .text([...SHOP.address, `${SHOP.email} · ${SHOP.website}`].join('\n'));
  const detailsTop = doc.y + 28;
  doc
    .font(BOLD, 22)
    .fillColor('black')
    .text('Receipt', left, top, { width: right - left, align: 'right' });

  doc.font(FONT, 8).fillColor(MUTED).text('BILLED TO', left, detailsTop);
  doc
    .font(BOLD, 10)
    .fillColor('black')
    .text(order.customer.name, { width: middle - left - 20 });
  doc.font(FONT, 10).text(order.customer.email, { width: middle - left - 20 });
  const customerBottom = doc.y;

  // Labels from the middle of the page, values flush right like "Receipt" and the table's last column.
  const labelWidth = 50;
  let y = detailsTop;
  const detail = (label: string, value: string) => {
    doc.font(FONT, 10).fillColor(MUTED).text(label, middle, y, { width: labelWidth });
    const valueX = middle + labelWidth;
    doc.fillColor('black').text(value, valueX, y, { width: right - valueX, align: 'right' });
    y = doc.y + 2;
  };
  detail('Order:', order.orderId);
  detail('Date:', order.placedAt.slice(0, 10));

  doc.x = left;
  doc.y = Math.max(customerBottom, y) + 24;
}

/** Item, Quantity, Unit price and Line total; the item's name gets the width the figures leave. */
function itemColumns(doc: PDFKit.PDFDocument): TableColumn[] {
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const figures: TableColumn[] = [
    { header: 'Quantity', width: 60, align: 'right' },
    { header: 'Unit price', width: 90, align: 'right' },
    { header: 'Line total', width: 90, align: 'right' },
  ];
  const itemWidth = width - figures.reduce((sum, column) => sum + column.width, 0);
  return [{ header: 'Item', width: itemWidth, align: 'left' }, ...figures];
}

interface Totals {
  subtotal: string;
  total: string;
  vatLabel: string;
  vat: string;
}

/** Vertical space, in points, that each part of the totals block takes. */
const TOTALS_SPACING = { above: 8, subtotal: 20, rule: 7, total: 18, vat: 14 };

/**
 * Amounts under the table's Line total column, labels ending where the Unit
 * price column does. The VAT comes after the total, as "incl.": the prices
 * contain it, so it is part of the total, not added to it.
 */
function drawTotals(doc: PDFKit.PDFDocument, columns: TableColumn[], totals: Totals) {
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const amountWidth = columns.at(-1)?.width ?? 0;
  // From the middle of the page, where the order's details start too.
  const labelX = (left + right) / 2;
  const labelWidth = right - amountWidth - 6 - labelX;
  const line = (label: string, amount: string, y: number) => {
    doc.text(label, labelX, y, { width: labelWidth, align: 'right' });
    doc.text(amount, right - amountWidth, y, { width: amountWidth, align: 'right' });
  };

  // The block moves to the next page whole rather than part the total from the subtotal.
  const height = Object.values(TOTALS_SPACING).reduce((sum, step) => sum + step, 0);
  if (doc.y + height > doc.page.maxY()) doc.addPage();

  let y = doc.y + TOTALS_SPACING.above;
  doc.font(FONT, 10).fillColor('black');
  line('Subtotal', totals.subtotal, y);
  y += TOTALS_SPACING.subtotal;
  drawRule(doc, labelX, right, y, 1, 'black');
  y += TOTALS_SPACING.rule;
  doc.font(BOLD, 12);
  line('Total', totals.total, y);
  y += TOTALS_SPACING.total;
  doc.font(FONT, 9).fillColor(MUTED);
  line(totals.vatLabel, totals.vat, y);
  doc.x = left;
  doc.y = y + TOTALS_SPACING.vat;
}

/** The payment reference and the thanks, kept together after the totals. */
function drawClosing(doc: PDFKit.PDFDocument, order: Order) {
  const left = doc.page.margins.left;
  if (doc.y + 60 > doc.page.maxY()) doc.addPage();
  doc.y += 20;
  doc.font(FONT, 10).fillColor('black').text(`Paid in full. Payment reference: ${order.paymentId}`, left);
  doc.moveDown(0.5);
  doc.font(BOLD, 10).text('Thank you for your order!', left);
}

/** Whom to ask, that the receipt was made by machine, and "Page n of m", at the foot of every page. */
function drawFooters(doc: PDFKit.PDFDocument, order: Order) {
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    const left = doc.page.margins.left;
    const right = doc.page.width - doc.page.margins.right;
    const y = doc.page.height - MARGIN - 20;
    drawRule(doc, left, right, y - 8, 0.5, LIGHT_RULE);

    // pdfkit starts a new page for text below the bottom margin, so the margin is lifted while the footer is written.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(FONT, 8).fillColor(MUTED);
    doc.text(
      `Questions about this order? Write to ${SHOP.email}, quoting order ${order.orderId}.\n` +
        'This receipt was generated automatically.',
      left,
      y,
      { width: right - left - 70 },
    );
    doc.text(`Page ${index - start + 1} of ${count}`, left, y, { width: right - left, align: 'right' });
    doc.page.margins.bottom = bottomMargin;
  }
}

/** 0.2 as "20 %", 0.077 as "7.7 %". */
function percent(rate: number): string {
  return `${new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(rate * 100)} %`;
}
