import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { createIsolatedDatabase } from '../../../test/isolated-database';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { ServiceProcess } from '../../../test/service-process';
import { sleep } from '../../../test/support';
import { TestShop } from '../../../test/test-shop';

/**
 * The analytics service as a real process, on a database of its own so the
 * summary counts only this file's orders.
 */

describe('analytics service', () => {
  let shop: TestShop;
  let analytics: ServiceProcess;
  let prisma: PrismaClient;
  let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;

  const line = (sku: string, quantity: number, unitPriceCents: number) => ({
    sku,
    name: sku,
    quantity,
    unitPriceCents,
    lineTotalCents: quantity * unitPriceCents,
  });
  const anOrderOf = (...lines: ReturnType<typeof line>[]) =>
    anOrderCompletedEvent({
      items: lines,
      totalCents: lines.reduce((sum, { lineTotalCents }) => sum + lineTotalCents, 0),
    });
  const summary = async () => (await analytics.get('/analytics/summary')).json();

  beforeAll(async () => {
    database = await createIsolatedDatabase('analytics');
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    shop = await TestShop.open('analytics');
    analytics = await ServiceProcess.start('analytics', { ...shop.env, DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await analytics?.stop();
    await shop?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  test('When nothing was sold yet, then the summary is all zeros', async () => {
    expect(await summary()).toEqual({ orders: 0, revenueCents: 0, itemsSold: 0, topProducts: [] });
  });

  test('When an order completes, then one fact with its total, items and time is recorded', async () => {
    const event = anOrderOf(line('MUG', 2, 1200), line('TEE', 1, 2500));
    const { orderId } = event.data;

    await shop.publish(event);

    const recorded = (await shop.waitForOutcome(orderId, 'analytics.order.recorded')).data;
    const fact = await prisma.orderFact.findUnique({ where: { orderId }, include: { lines: true } });
    expect(recorded).toEqual({
      orderId,
      attempt: 1,
      recordedAt: fact!.recordedAt.toISOString(),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    expect(fact).toMatchObject({
      totalCents: 4900,
      currency: 'EUR',
      itemCount: 3,
      placedAt: new Date(event.data.placedAt),
    });
    expect(fact!.lines).toHaveLength(2);
  });

  test('When the same OrderCompleted arrives twice, then there is still one fact, and both reports give the time it was first recorded', async () => {
    const event = anOrderOf(line('MUG', 1, 1200));

    await shop.publish(event);
    await shop.waitForOutcome(event.data.orderId, 'analytics.order.recorded');
    await shop.publish(event);
    const reports = await shop.waitForOutcomes(event.data.orderId, 'analytics.order.recorded', 2);
    await sleep(100);

    expect(await prisma.orderFact.count({ where: { orderId: event.data.orderId } })).toBe(1);
    expect(await prisma.orderFactLine.count({ where: { orderId: event.data.orderId } })).toBe(1);
    const fact = await prisma.orderFact.findUniqueOrThrow({ where: { orderId: event.data.orderId } });
    expect(reports.map((report) => (report.data as { recordedAt?: string }).recordedAt)).toEqual([
      fact.recordedAt.toISOString(),
      fact.recordedAt.toISOString(),
    ]);
  });

  test('When several orders are recorded, then the summary adds them up and ranks the top five products by quantity', async () => {
    const orders = [
      anOrderOf(line('STICKER', 10, 400), line('POSTER', 1, 1500)),
      anOrderOf(line('NOTEBOOK', 4, 900), line('HOODIE', 1, 5900), line('CAP', 1, 1000)),
      anOrderOf(line('NOTEBOOK', 1, 900)),
    ];
    for (const event of orders) await shop.publish(event);
    for (const event of orders) await shop.waitForOutcome(event.data.orderId, 'analytics.order.recorded');

    // With the two earlier tests: MUG 3 (3,600), TEE 1 (2,500).
    expect(await summary()).toEqual({
      orders: 5,
      revenueCents: 4900 + 1200 + 5500 + 10_500 + 900,
      itemsSold: 3 + 1 + 11 + 6 + 1,
      topProducts: [
        { sku: 'STICKER', quantity: 10, revenueCents: 4000 },
        { sku: 'NOTEBOOK', quantity: 5, revenueCents: 4500 },
        { sku: 'MUG', quantity: 3, revenueCents: 3600 },
        { sku: 'CAP', quantity: 1, revenueCents: 1000 },
        { sku: 'HOODIE', quantity: 1, revenueCents: 5900 },
      ],
    });
  });
});
