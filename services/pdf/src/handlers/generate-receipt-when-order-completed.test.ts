import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventBus } from '@shared/messaging/testing';
import { ReceiptGeneratedV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../../test/order-events';
import { ReceiptFiles } from '../data/receipt-files';
import { InMemoryReceiptRecords } from '../testing/in-memory-receipt-records';
import { generateReceiptWhenOrderCompleted } from './generate-receipt-when-order-completed';

const BASE_URL = 'https://shop.example';
let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'receipts-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

/** Real files in a temporary directory: a file system is no infrastructure, and the write is the effect. */
function setUp() {
  const files = new ReceiptFiles(directory);
  const receipts = new InMemoryReceiptRecords();
  const bus = new InMemoryEventBus(SHOP_REGISTRY);
  const pdf = bus.consumer('pdf', (event: OrderCompleted, context) =>
    generateReceiptWhenOrderCompleted(event, {
      ...context,
      files,
      receipts,
      receiptsBaseUrl: BASE_URL,
      vatRate: 0.2,
    }),
  );
  return { files, receipts, bus, pdf };
}

describe('generateReceiptWhenOrderCompleted', () => {
  test('When an order completes, then its receipt is written and recorded, and reported with its URL', async () => {
    const { files, receipts, bus, pdf } = setUp();
    const event = anOrderCompletedEvent();

    await pdf.deliver(event);

    const file = await readFile(files.pathOf(event.data.orderId));
    expect(file.subarray(0, 5).toString()).toBe('%PDF-');
    expect(receipts.rows).toEqual([
      {
        orderId: event.data.orderId,
        eventId: event.id,
        fileName: files.fileName(event.data.orderId),
        bytes: file.length,
      },
    ]);
    expect(bus.publishedOf(ReceiptGeneratedV1)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          orderId: event.data.orderId,
          attempt: 1,
          url: `${BASE_URL}/receipts/${event.data.orderId}.pdf`,
          bytes: file.length,
        }),
      }),
    ]);
  });

  test('When the same event is delivered twice, then the receipt is recorded once and reported again', async () => {
    const { receipts, bus, pdf } = setUp();
    const event = anOrderCompletedEvent();

    const first = await pdf.deliver(event);
    const again = await pdf.deliver(event, 2);

    expect(receipts.rows).toHaveLength(1);
    expect(again).toEqual(first);
    expect(bus.publishedOf(ReceiptGeneratedV1).map(({ data }) => data.attempt)).toEqual([1, 2]);
  });

  test('When a redelivery finds the receipt deleted, then it writes the file again', async () => {
    const { files, pdf } = setUp();
    const event = anOrderCompletedEvent();
    await pdf.deliver(event);
    await rm(files.pathOf(event.data.orderId));

    await pdf.deliver(event, 2);

    expect((await stat(files.pathOf(event.data.orderId))).size).toBeGreaterThan(0);
  });
});
