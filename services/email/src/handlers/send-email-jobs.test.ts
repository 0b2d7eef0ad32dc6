import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent } from '@shared/messaging';
import { InMemoryEventBus } from '@shared/messaging/testing';
import { ReviewRequestDueV1, SalesReportDueV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import type { SalesSummary } from '../domain/sales-report-email';
import { InMemoryMailer } from '../testing/in-memory-mailer';
import { sendEmailJob } from './send-email-jobs';

const SUMMARY: SalesSummary = {
  orders: 3,
  revenueCents: 9000,
  itemsSold: 6,
  topProducts: [{ sku: 'BOOK-1', quantity: 6, revenueCents: 9000 }],
};

/** Analytics' summary endpoint, on a local port: the one HTTP call a job makes. */
let analytics: Server;
let analyticsUrl: string;
const summaryRequests: URL[] = [];

beforeAll(async () => {
  analytics = createServer((req, res) => {
    summaryRequests.push(new URL(req.url ?? '/', 'http://analytics'));
    res.setHeader('content-type', 'application/json').end(JSON.stringify(SUMMARY));
  }).listen(0, '127.0.0.1');
  await once(analytics, 'listening');
  analyticsUrl = `http://127.0.0.1:${(analytics.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => analytics.close(resolve)));

function setUp() {
  const mailer = new InMemoryMailer();
  const bus = new InMemoryEventBus(SHOP_REGISTRY);
  const jobs = bus.consumer(
    'email',
    (job: Parameters<typeof sendEmailJob>[0], context) =>
      sendEmailJob(job, {
        ...context,
        mailer,
        messageIdDomain: 'shop.example',
        analyticsUrl,
        salesReportTo: 'ops@shop.example',
      }),
    { jobs: true },
  );
  return { mailer, bus, jobs };
}

const aReviewRequest = () =>
  createEvent(
    ReviewRequestDueV1,
    {
      orderId: '0b7c4f2e-5a1d-4c8e-9f3b-2d6a8e1c7f40',
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      items: [{ sku: 'BOOK-1', name: 'A book' }],
      placedAt: '2025-01-01T10:00:00.000Z',
    },
    { correlationId: 'test' },
  );

const aSalesReport = () =>
  createEvent(
    SalesReportDueV1,
    { schedule: 'sales-report', since: '2025-01-01T00:00:00.000Z', scheduledFor: '2025-01-02T00:00:00.000Z' },
    { correlationId: 'test' },
  );

describe('sendEmailJob', () => {
  test('When a review request is due, then the customer is asked once, and no task outcome is reported', async () => {
    const { mailer, bus, jobs } = setUp();
    const job = aReviewRequest();

    await jobs.deliver(job);
    await jobs.deliver(job, 2);

    expect(mailer.sent).toEqual([
      expect.objectContaining({
        kind: 'review-request',
        to: { name: 'Ada Lovelace', address: 'ada@example.com' },
        subject: `How was your order ${job.data.orderId}?`,
      }),
    ]);
    expect(bus.published).toEqual([]);
  });

  test('When the sales report is due, then the operators get the summary of its period, once', async () => {
    const { mailer, bus, jobs } = setUp();
    const job = aSalesReport();

    await jobs.deliver(job);
    await jobs.deliver(job, 2);

    expect(mailer.sent).toEqual([
      expect.objectContaining({
        kind: 'sales-report',
        to: { name: 'Shop operators', address: 'ops@shop.example' },
        subject: 'Sales report: 3 orders, €90.00',
      }),
    ]);
    expect(summaryRequests.at(-1)?.searchParams.get('from')).toBe(job.data.since);
    expect(summaryRequests.at(-1)?.searchParams.get('to')).toBe(job.data.scheduledFor);
    expect(bus.published).toEqual([]);
  });
});
