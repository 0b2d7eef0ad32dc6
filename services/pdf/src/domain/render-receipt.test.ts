import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../../test/order-events';
import { pdfText } from '../../../../test/pdf-text';
import { includedVatCents } from './included-vat';
import { renderReceipt } from './render-receipt';

/**
 * The renderer alone: no broker, no database. The text checks read the PDF
 * as a reader would copy it; the image check renders page 1 with poppler's
 * pdftoppm. UPDATE_RECEIPT_IMAGE=1 also saves that image as
 * docs/images/receipt.png, the picture in the pdf service's README.
 */

const run = promisify(execFile);
const README_IMAGE = join(__dirname, '../../../../docs/images/receipt.png');

type Line = OrderCompleted['data']['items'][number];

const line = (sku: string, name: string, quantity: number, unitPriceCents: number): Line => ({
  sku,
  name,
  quantity,
  unitPriceCents,
  lineTotalCents: quantity * unitPriceCents,
});

/** An order with fixed ids and date, so the README's image only changes when the layout does. */
const anOrder = (items: Line[]) =>
  anOrderCompletedEvent({
    orderId: '0b7c4f2e-5a1d-4c8e-9f3b-2d6a8e1c7f40',
    paymentId: 'pay_5e3a9c71-2b84-4f6d-a0e9-8c1d7b2f4a36',
    placedAt: '2026-03-14T09:26:53.000Z',
    items,
    totalCents: items.reduce((sum, item) => sum + item.lineTotalCents, 0),
  }).data;

const LONG_NAME =
  'Dotted A5 notebook with lay-flat binding, 192 numbered pages of acid-free paper and two ribbon markers';

const severalLines = [
  line('MUG-CLASSIC', 'Classic mug', 2, 1200),
  line('STICKER-PACK', 'Sticker pack', 3, 400),
  line('NOTEBOOK-A5', LONG_NAME, 1, 1850),
  line('TOTE-BAG', 'Tote bag', 10, 1500),
];

const fortyLines = Array.from({ length: 40 }, (_, index) =>
  line(`SKU-${index + 1}`, `Item number ${index + 1}`, (index % 3) + 1, 250 + index),
);

/** The extracted text with every run of whitespace as one space, for text that may wrap. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

/** pdf-parse ends every page with a "-- n of m --" line. */
const pagesOf = (text: string) => text.split(/\n-- \d+ of \d+ --\n/).filter((page) => page.trim() !== '');

describe('renderReceipt', () => {
  test('When an order has several lines, then the receipt shows the shop, "Receipt", the order, date and customer, every line under the four column headings, the totals with the VAT they include, and the payment reference', async () => {
    const order = anOrder(severalLines);

    const text = await pdfText(await renderReceipt(order));

    expect(text).toContain('Example Shop\nMustergasse 12\n1010 Vienna\nAustria\norders@shop.example');
    expect(text).toContain('Receipt');
    expect(text).toContain('Order: 0b7c4f2e-5a1d-4c8e-9f3b-2d6a8e1c7f40');
    expect(text).toContain('Date: 2026-03-14');
    expect(text).toContain('Ada Lovelace\nada@example.com');
    expect(text).toContain('Item Quantity Unit price Line total');
    expect(text).toContain('Classic mug\nMUG-CLASSIC\n2 €12.00 €24.00');
    expect(text).toContain('Sticker pack\nSTICKER-PACK\n3 €4.00 €12.00');
    expect(flat(text)).toContain(`${LONG_NAME} NOTEBOOK-A5 1 €18.50 €18.50`);
    expect(text).toContain('Tote bag\nTOTE-BAG\n10 €15.00 €150.00');
    // 204.50 / 1.2 = 170.4166..., so the total includes 34.08 of VAT.
    expect(text).toContain('Subtotal €204.50\nTotal €204.50\nincl. VAT 20 % €34.08');
    expect(text).toContain('Payment reference: pay_5e3a9c71-2b84-4f6d-a0e9-8c1d7b2f4a36');
    expect(text).toContain('Thank you for your order!');
    expect(text).toContain('This receipt was generated automatically.');
    expect(text).toContain('Page 1 of 1');
  });

  test('When an item name is longer than its column, then it wraps inside the Item column and its figures stay on its first line', async () => {
    const text = await pdfText(await renderReceipt(anOrder(severalLines)));

    const rows = text.split('\n');
    const first = rows.findIndex((row) => LONG_NAME.startsWith(row));
    expect(first).toBeGreaterThan(-1);
    expect(rows[first]?.length).toBeLessThan(LONG_NAME.length);
    expect(rows.slice(first, first + 4).join(' ')).toContain(`${LONG_NAME} NOTEBOOK-A5`);
  });

  test('When an order has 40 lines, then they flow onto further pages, each starting with the header row, and the totals follow the last line', async () => {
    const order = anOrder(fortyLines);

    const pages = pagesOf(await pdfText(await renderReceipt(order)));

    expect(pages.length).toBeGreaterThanOrEqual(2);
    const [first, ...continued] = pages.filter((page) => page.includes('Item number'));
    expect(first).toContain('\nItem Quantity Unit price Line total\n');
    expect(continued.length).toBeGreaterThanOrEqual(1);
    for (const page of continued) expect(page.trimStart()).toMatch(/^Item Quantity Unit price Line total\n/);
    const all = pages.join('\n');
    for (const item of order.items) expect(all).toContain(`${item.name}\n${item.sku}\n${item.quantity} `);
    expect(all.indexOf('Subtotal')).toBeGreaterThan(all.indexOf('Item number 40'));
    for (const [index, page] of pages.entries())
      expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
  });

  test('When the VAT rate is 10 %, then the receipt names that rate and the VAT it amounts to', async () => {
    const text = await pdfText(await renderReceipt(anOrder(severalLines), { vatRate: 0.1 }));

    // 204.50 / 1.1 = 185.9090..., so the total includes 18.59 of VAT.
    expect(text).toContain('incl. VAT 10 % €18.59');
  });

  test('When the same order is rendered twice, then the bytes are the same', async () => {
    const order = anOrder(severalLines);

    expect((await renderReceipt(order)).equals(await renderReceipt(order))).toBe(true);
  });

  test('When the first page is rendered as an image, then it has the shape of A4 and is not blank', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'receipt-'));
    try {
      await writeFile(join(dir, 'receipt.pdf'), await renderReceipt(anOrder(severalLines)));
      // Page 1 only, at 100 dpi, to page.png.
      const args = ['-png', '-r', '100', '-f', '1', '-l', '1', '-singlefile', 'receipt.pdf', 'page'];
      await run('pdftoppm', args, { cwd: dir });
      const image = PNG.sync.read(await readFile(join(dir, 'page.png')));

      expect(image.height / image.width).toBeCloseTo(297 / 210, 2);
      // Text and rules cover a few percent of a receipt page; 0 would be blank, half would be a smear.
      const ink = darkPixelShare(image);
      expect(ink).toBeGreaterThan(0.01);
      expect(ink).toBeLessThan(0.5);

      if (process.env.UPDATE_RECEIPT_IMAGE) await copyFile(join(dir, 'page.png'), README_IMAGE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('includedVatCents', () => {
  test.each([
    [2800, 0.2, 467],
    [3, 0.2, 1],
    [1000, 0.1, 91],
    [1190, 0.19, 190],
    [0, 0.2, 0],
    [2800, 0, 0],
  ])('When %i cents include VAT at a rate of %d, then the VAT is %i cents', (grossCents, rate, vatCents) => {
    expect(includedVatCents(grossCents, rate)).toBe(vatCents);
  });
});

/** The share of pixels darker than mid-grey. */
function darkPixelShare(image: PNG): number {
  const { data } = image;
  let dark = 0;
  for (let offset = 0; offset < data.length; offset += 4) {
    const [red = 0, green = 0, blue = 0] = data.subarray(offset, offset + 3);
    if (0.299 * red + 0.587 * green + 0.114 * blue < 128) dark++;
  }
  return dark / (image.width * image.height);
}
