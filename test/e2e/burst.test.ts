import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { waitFor } from '../support';
import { FULFILLMENT_SERVICES, Stack } from './stack';

/**
 * 500 orders while every fulfillment service fails 30% of its attempts on
 * purpose. Ten retry tiers give each task eleven attempts: the chance that
 * one task fails all of them is 0.3^11 ≈ 1.8e-6, so about 0.5% of runs
 * would see one of the 2,500 tasks (five per order) reach a DLQ. Fewer
 * tiers make this test flaky (six attempts: ~1.8 dead letters per run).
 */

const ORDERS = 500;
/** Every order gets one task per task consumer of the registry. */
const TASKS = SHOP_REGISTRY.tasks.length;
const CONCURRENT_REQUESTS = 16;

describe('a burst of orders with failing attempts', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({
      label: 'e2e-burst',
      retryDelays: '100ms,200ms,300ms,400ms,500ms,700ms,1s,1500ms,2s,3s',
      env: { PREFETCH: '10', DATABASE_POOL_SIZE: '12' },
      envOf: Object.fromEntries(FULFILLMENT_SERVICES.map((name) => [name, { FAILURE_RATE: '0.3' }])),
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test('When 500 orders arrive with FAILURE_RATE=0.3 on every service, then every order ends with every task completed and no side effect doubled', async () => {
    const run = randomUUID().slice(0, 8);
    const emailOf = (index: number) => `burst-${run}-${index}@example.com`;
    const orderIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENT_REQUESTS }, async () => {
        while (next < ORDERS) {
          const index = next++;
          orderIds[index] = await stack.placeOrder(emailOf(index), [
            { sku: 'STICKER-PACK', quantity: 1 },
            { sku: 'NOTEBOOK-A5', quantity: 1 },
          ]);
        }
      }),
    );

    await waitFor(
      `${ORDERS * TASKS} completed tasks`,
      async () =>
        (await stack.prisma.fulfillmentTask.count({ where: { status: 'completed' } })) === ORDERS * TASKS,
      150_000,
    );

    const notCompleted = await stack.prisma.fulfillmentTask.count({
      where: { status: { not: 'completed' } },
    });
    expect(notCompleted).toBe(0);
    for (const orderId of [orderIds[0]!, orderIds[ORDERS - 1]!]) {
      const { fulfillment } = await stack.order(orderId);
      expect(Object.values(fulfillment!).map((task) => task.status)).toEqual(Array(TASKS).fill('completed'));
    }
    // Attempts really failed, or this proved nothing: about 30% of the 2,500 tasks needed a retry.
    const retried = await stack.prisma.fulfillmentTask.count({ where: { attempts: { gt: 1 } } });
    expect(retried).toBeGreaterThan(400);

    const mails = stack.smtp.received.filter((mail) => mail.recipients[0]?.startsWith(`burst-${run}-`));
    expect(mails).toHaveLength(ORDERS);
    expect(new Set(mails.map((mail) => mail.recipients[0])).size).toBe(ORDERS);
    const files = (await readdir(stack.receiptsDir)).filter((name) => name.endsWith('.pdf'));
    expect(files.sort()).toEqual(orderIds.map((id) => `${id}.pdf`).sort());
    expect(await stack.prisma.receipt.count()).toBe(ORDERS);
    expect(await stack.prisma.stockMovement.count()).toBe(ORDERS * 2);
    expect(await stack.prisma.orderFact.count()).toBe(ORDERS);
    const stock = await stack.prisma.stockItem.findMany({
      where: { sku: { in: ['STICKER-PACK', 'NOTEBOOK-A5'] } },
    });
    expect(
      stock
        .map(({ sku, onHand, backordered }) => ({ sku, onHand, backordered }))
        .sort((a, b) => a.sku.localeCompare(b.sku)),
    ).toEqual([
      { sku: 'NOTEBOOK-A5', onHand: 0, backordered: ORDERS - 200 },
      { sku: 'STICKER-PACK', onHand: 0, backordered: 0 },
    ]);
    for (const service of FULFILLMENT_SERVICES) {
      expect(await stack.shop.inspector.depth(stack.shop.queuesOf(service).deadLetterQueue)).toBe(0);
      expect(await stack.parked(service)).toEqual([]);
    }

    // The conservation of events, as Prometheus sees it: published on one side, handled on the other.
    const series = async (service: 'checkout' | (typeof FULFILLMENT_SERVICES)[number], name: string) => {
      const text = await (await stack.services[service].get('/metrics')).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    };
    const type = 'type="checkout.order.completed"';
    expect(await series('checkout', `shop_outbox_published{${type}}`)).toBe(ORDERS);
    for (const service of FULFILLMENT_SERVICES) {
      expect(await series(service, `shop_inbox_events{service="${service}",${type}}`)).toBe(ORDERS);
    }
  }, 240_000);
});
