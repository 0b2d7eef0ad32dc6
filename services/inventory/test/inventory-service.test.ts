import { randomUUID } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { ServiceProcess } from '../../../test/service-process';
import { databaseUrl, sleep, waitFor } from '../../../test/support';
import { TestShop } from '../../../test/test-shop';

/** The inventory service as a real process; every test stocks SKUs of its own. */

describe('inventory service', () => {
  let shop: TestShop;
  let inventory: ServiceProcess;
  let prisma: PrismaClient;

  const newSku = (label: string) => `T-${label}-${randomUUID().slice(0, 8)}`.toUpperCase();
  const stock = async (sku: string, onHand: number) => {
    await prisma.stockItem.create({ data: { sku, onHand } });
    return sku;
  };
  const line = (sku: string, quantity: number) => ({
    sku,
    name: `Product ${sku}`,
    quantity,
    unitPriceCents: 100,
    lineTotalCents: 100 * quantity,
  });
  const anOrderOf = (...lines: ReturnType<typeof line>[]) =>
    anOrderCompletedEvent({
      items: lines,
      totalCents: lines.reduce((sum, { lineTotalCents }) => sum + lineTotalCents, 0),
    });
  const levelOf = async (sku: string) => (await inventory.get(`/inventory/${sku}`)).json();
  const movementsOf = (orderId: string) =>
    prisma.stockMovement.findMany({ where: { orderId }, orderBy: { sku: 'asc' } });

  beforeAll(async () => {
    prisma = createPrismaClient(databaseUrl(), { poolSize: 2 });
    shop = await TestShop.open('inventory');
    inventory = await ServiceProcess.start('inventory', shop.env);
  });

  afterAll(async () => {
    await inventory?.stop();
    await shop?.close();
    await prisma?.$disconnect();
  });

  test('When an order completes, then each line records one movement and stock goes down', async () => {
    const mugs = await stock(newSku('mug'), 10);
    const caps = await stock(newSku('cap'), 5);
    const event = anOrderOf(line(mugs, 2), line(caps, 1));
    const { orderId } = event.data;

    await shop.publish(event);

    const reserved = await shop.waitForOutcome(orderId, 'inventory.stock.reserved');
    expect(reserved.data).toEqual({
      orderId,
      attempt: 1,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      lines: expect.arrayContaining([
        { sku: mugs, quantity: 2, backordered: 0 },
        { sku: caps, quantity: 1, backordered: 0 },
      ]),
    });
    expect(await levelOf(mugs)).toEqual({ sku: mugs, onHand: 8, backordered: 0 });
    expect(await levelOf(caps)).toEqual({ sku: caps, onHand: 4, backordered: 0 });
    const movements = await movementsOf(orderId);
    expect(movements.map(({ sku, quantity, backordered }) => ({ sku, quantity, backordered }))).toEqual(
      [
        { sku: mugs, quantity: 2, backordered: 0 },
        { sku: caps, quantity: 1, backordered: 0 },
      ].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    );
  });

  test('When the same OrderCompleted arrives twice, then stock moves once', async () => {
    const mugs = await stock(newSku('mug'), 10);
    const event = anOrderOf(line(mugs, 3));

    await shop.publish(event);
    await shop.waitForOutcome(event.data.orderId, 'inventory.stock.reserved');
    await shop.publish(event);
    const [, again] = await shop.waitForOutcomes(event.data.orderId, 'inventory.stock.reserved', 2);

    expect(again!.data).toMatchObject({ lines: [{ sku: mugs, quantity: 3, backordered: 0 }] });
    expect(await movementsOf(event.data.orderId)).toHaveLength(1);
    expect(await levelOf(mugs)).toEqual({ sku: mugs, onHand: 7, backordered: 0 });
  });

  test('When stock runs short, then the line is served as far as it goes and the rest is backordered, not refused', async () => {
    const posters = await stock(newSku('poster'), 3);
    const unknown = newSku('unstocked');
    const event = anOrderOf(line(posters, 5), line(unknown, 2));

    await shop.publish(event);

    const reserved = await shop.waitForOutcome(event.data.orderId, 'inventory.stock.reserved');
    expect(reserved.data).toMatchObject({
      lines: expect.arrayContaining([
        { sku: posters, quantity: 5, backordered: 2 },
        { sku: unknown, quantity: 2, backordered: 2 },
      ]),
    });
    expect(await levelOf(posters)).toEqual({ sku: posters, onHand: 0, backordered: 2 });
    expect(await levelOf(unknown)).toEqual({ sku: unknown, onHand: 0, backordered: 2 });
    expect(await shop.inspector.depth(shop.queuesOf('inventory').deadLetterQueue)).toBe(0);
  });

  test('When many orders race for the last units, then stock never goes below zero and every unit is accounted for', async () => {
    const hoodies = await stock(newSku('hoodie'), 10);
    const events = Array.from({ length: 14 }, () => anOrderOf(line(hoodies, 1)));

    await Promise.all(events.map((event) => shop.publish(event)));

    await waitFor('14 movements', async () => {
      const count = await prisma.stockMovement.count({ where: { sku: hoodies } });
      return count === 14;
    });
    await sleep(100);
    expect(await levelOf(hoodies)).toEqual({ sku: hoodies, onHand: 0, backordered: 4 });
    const backordered = await prisma.stockMovement.aggregate({
      where: { sku: hoodies },
      _sum: { backordered: true },
    });
    expect(backordered._sum.backordered).toBe(4);
  });

  test('When stock levels are asked for, then GET /inventory lists them and an unknown SKU is a 404 problem+json', async () => {
    const notebooks = await stock(newSku('notebook'), 7);

    const list = await inventory.get('/inventory');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual(
      expect.arrayContaining([
        { sku: notebooks, onHand: 7, backordered: 0 },
        expect.objectContaining({ sku: 'MUG-CLASSIC' }),
      ]),
    );
    const missing = await inventory.get(`/inventory/${newSku('missing')}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await missing.json()).toMatchObject({ status: 404, code: 'INVENTORY.SKU_NOT_FOUND' });
  });

  test.each([
    ['an encoded NUL', 404, '%00'],
    ['a lone surrogate (UTF-8 cannot encode one)', 400, '%ED%A0%80'],
    ['a control character', 404, 'MUG%1BCLASSIC'],
    ['65 characters', 404, 'X'.repeat(65)],
    ['a malformed percent-encoding', 400, '%E0%A4%A'],
  ])(
    'When GET /inventory/{sku} names %s, then it answers %i problem+json, never 500',
    async (_case, status, sku) => {
      const response = await inventory.get(`/inventory/${sku}`);

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    },
  );
});
