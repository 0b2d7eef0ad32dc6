import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { pdfText } from '../../../test/pdf-text';
import { ServiceProcess } from '../../../test/service-process';
import { databaseUrl, sleep } from '../../../test/support';
import { TestShop } from '../../../test/test-shop';

/** The pdf service as a real process, writing to a directory of its own. */

describe('pdf service', () => {
  let shop: TestShop;
  let pdf: ServiceProcess;
  let prisma: PrismaClient;
  let receiptsDir: string;

  const anOrder = () =>
    anOrderCompletedEvent({
      items: [
        { sku: 'MUG-CLASSIC', name: 'Classic mug', quantity: 2, unitPriceCents: 1200, lineTotalCents: 2400 },
        { sku: 'STICKER-PACK', name: 'Sticker pack', quantity: 1, unitPriceCents: 400, lineTotalCents: 400 },
      ],
      totalCents: 2800,
    });
  const filesFor = async (orderId: string) =>
    (await readdir(receiptsDir)).filter((name) => name.startsWith(orderId));

  beforeAll(async () => {
    prisma = createPrismaClient(databaseUrl(), { poolSize: 2 });
    receiptsDir = await mkdtemp(join(tmpdir(), 'receipts-'));
    shop = await TestShop.open('pdf');
    pdf = await ServiceProcess.start('pdf', {
      ...shop.env,
      RECEIPTS_DIR: receiptsDir,
      RECEIPTS_BASE_URL: 'http://receipts.test:3002',
    });
  });

  afterAll(async () => {
    await pdf?.stop();
    await shop?.close();
    await prisma?.$disconnect();
    await rm(receiptsDir, { recursive: true, force: true });
  });

  test('When an order completes, then its receipt is on disk and served with the order, customer, lines, total and payment id', async () => {
    const event = anOrder();
    const { orderId } = event.data;

    await shop.publish(event);

    const generated = await shop.waitForOutcome(orderId, 'pdf.receipt.generated');
    const onDisk = await readFile(join(receiptsDir, `${orderId}.pdf`));
    expect(generated.data).toEqual({
      orderId,
      attempt: 1,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      url: `http://receipts.test:3002/receipts/${orderId}.pdf`,
      bytes: onDisk.length,
    });
    const text = await pdfText(onDisk);
    expect(text).toContain(`Order: ${orderId}`);
    expect(text).toContain(`Date: ${event.data.placedAt.slice(0, 10)}`);
    expect(text).toContain('Ada Lovelace\nada@example.com');
    expect(text).toContain('Classic mug\nMUG-CLASSIC\n2 €12.00 €24.00');
    expect(text).toContain('Sticker pack\nSTICKER-PACK\n1 €4.00 €4.00');
    expect(text).toContain('Total €28.00');
    expect(text).toContain(`Payment reference: ${event.data.paymentId}`);

    const response = await pdf.get(`/receipts/${orderId}.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer()).equals(onDisk)).toBe(true);
    expect(await prisma.receipt.findUnique({ where: { orderId } })).toMatchObject({
      fileName: `${orderId}.pdf`,
      bytes: onDisk.length,
    });
  });

  test('When a receipt is served, then it carries the security headers but no Content-Security-Policy, which the PDF viewer would trip on', async () => {
    const event = anOrder();
    await shop.publish(event);
    await shop.waitForOutcome(event.data.orderId, 'pdf.receipt.generated');

    const response = await pdf.get(`/receipts/${event.data.orderId}.pdf`);
    const missing = await pdf.get(`/receipts/${randomUUID()}.pdf`);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('content-security-policy')).toBeNull();
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('When the same OrderCompleted arrives twice, then there is still one receipt file and one record, and no temporary file', async () => {
    const event = anOrder();
    const { orderId } = event.data;

    await shop.publish(event);
    await shop.waitForOutcome(orderId, 'pdf.receipt.generated');
    await shop.publish(event);
    await shop.waitForOutcomes(orderId, 'pdf.receipt.generated', 2);
    await sleep(200);

    expect(await filesFor(orderId)).toEqual([`${orderId}.pdf`]);
    expect(await prisma.receipt.count({ where: { orderId } })).toBe(1);
    expect(await prisma.pdfProcessedEvent.count({ where: { eventId: event.id } })).toBe(1);
  });

  test('When a receipt does not exist yet, then GET answers 404 problem+json', async () => {
    const response = await pdf.get(`/receipts/${randomUUID()}.pdf`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: 'RECEIPT.NOT_FOUND' });
  });

  test('When the file name is not an order id, then GET answers 404 problem+json and reads nothing', async () => {
    for (const name of ['not-an-id.pdf', '..%2F..%2Fetc%2Fpasswd', `${randomUUID()}.txt`]) {
      const response = await pdf.get(`/receipts/${name}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});
