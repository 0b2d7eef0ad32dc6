import { join } from 'node:path';
import { HEADERS, registryTopology } from '@shared/messaging';
import { loadCheckoutConfig } from '@shop/checkout';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import {
  anOrderRequest,
  checkoutEnvironment,
  createTestDatabase,
  postOrder,
  startTestCheckout,
  type TestCheckout,
  type TestDatabase,
} from '../../services/checkout/test/checkout-harness';
import { startTestOperations, type TestOperations } from '../../services/operations/test/operations-harness';
import { ChildProcessHandle } from '../child-process';
import { REGISTRY_WITH_LOYALTY } from '../fixtures/registry-with-loyalty';
import { freePort } from '../service-process';
import { QueueInspector, uniquePrefix, waitFor } from '../support';

/**
 * Adding a consumer is a registry entry and a handler: a "loyalty" service
 * declared only in a registry (test/fixtures) gets its queues, receives
 * OrderCompleted from checkout's outbox, retries and dead-letters like the
 * others (the operations service drains its DLQ too), and checkout shows it as
 * one more task of every order, after the shop's own.
 */
describe('a consumer added by a registry entry', () => {
  let database: TestDatabase;
  let checkout: TestCheckout;
  let operations: TestOperations;
  let loyalty: ChildProcessHandle;
  let inspector: QueueInspector;
  let prefix: string;

  const topology = () =>
    registryTopology(
      REGISTRY_WITH_LOYALTY,
      loadCheckoutConfig(checkoutEnvironment({ QUEUE_PREFIX: prefix })),
    );
  const loyaltyTask = async (orderId: string) =>
    (
      (await (await fetch(`${checkout.baseUrl}/orders/${orderId}`)).json()) as {
        fulfillment: Record<string, any>;
      }
    ).fulfillment.loyalty;
  const placeFor = async (email: string) =>
    (await postOrder(checkout.baseUrl, anOrderRequest({ customer: { email, name: 'Grace Hopper' } }))).body;

  beforeAll(async () => {
    database = await createTestDatabase('registry_consumer');
    prefix = uniquePrefix('registry');
    const env = { DATABASE_URL: database.url, QUEUE_PREFIX: prefix };
    checkout = await startTestCheckout(env, undefined, REGISTRY_WITH_LOYALTY);
    operations = await startTestOperations(env, REGISTRY_WITH_LOYALTY);
    const port = await freePort();
    loyalty = ChildProcessHandle.start(join(__dirname, '..', 'fixtures', 'loyalty-consumer.ts'), {
      ...checkoutEnvironment(env),
      PORT: String(port),
    });
    // Ready means connected with every queue declared; events published from now on wait for it.
    await waitFor(
      'the loyalty service ready',
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
      20_000,
    );
    inspector = await QueueInspector.open();
  });

  afterAll(async () => {
    await loyalty?.kill('SIGTERM');
    await checkout?.stop();
    await operations?.stop();
    await inspector?.deleteTopology(topology());
    await inspector?.close();
    await database?.drop();
  });

  test('When an order is placed, then the new consumer gets its event and checkout shows its task completed with the others', async () => {
    const order = await placeFor('ada@example.com');

    expect(Object.keys(order.fulfillment)).toEqual([
      ...SHOP_REGISTRY.tasks.map(({ task }) => task),
      'loyalty',
    ]);
    const task = await waitFor('loyalty completed', async () => {
      const current = await loyaltyTask(order.id);
      return current.status === 'completed' && current;
    });
    expect(task).toMatchObject({ status: 'completed', attempts: 1, lastError: null });
    expect(loyalty.lines).toContain(`attempt 1 ${order.id}`);
  });

  test('When its first attempt fails, then it is retried through its own tier and the task completes on attempt 2', async () => {
    const order = await placeFor('fail-once@example.com');

    const task = await waitFor('loyalty completed on the retry', async () => {
      const current = await loyaltyTask(order.id);
      return current.status === 'completed' && current;
    });
    expect(task.attempts).toBe(2);
    expect(loyalty.lines.filter((line) => line.endsWith(order.id))).toEqual([
      `attempt 1 ${order.id}`,
      `attempt 2 ${order.id}`,
    ]);
  });

  test('When it fails for good, then the message is parked from its own DLQ with the reason and checkout shows the task failed', async () => {
    const order = await placeFor('refuse@example.com');

    const task = await waitFor('loyalty failed', async () => {
      const current = await loyaltyTask(order.id);
      return current.status === 'failed' && current;
    });
    expect(task.lastError).toBe('no loyalty account');
    // The operations service drains loyalty.dlq into its dead-letter store like every other DLQ.
    const [parked] = await waitFor('the dead letter stored', async () => {
      const rows = await database.prisma.deadLetter.findMany({
        where: { queue: `${prefix}loyalty.dlq`, orderId: order.id },
      });
      return rows.length > 0 && rows;
    });
    expect(parked).toMatchObject({ service: 'loyalty', reason: 'permanent-error', state: 'parked' });
    expect((parked!.headers as Record<string, unknown>)[HEADERS.deadLetteredBy]).toBe('loyalty');
    expect(await inspector.depth(`${prefix}loyalty.dlq`)).toBe(0);
  });
});
