import { QueueInspector, uniquePrefix, waitFor } from '../../../test/support';
import { SimulatedPaymentGateway } from '../src/payment/simulated-payment-gateway';
import {
  checkoutRowCounts,
  createTestDatabase,
  startTestCheckout,
  type TestCheckout,
  topologyFor,
} from './checkout-harness';

/**
 * What the orders API tests share: a checkout on a database of the file's own,
 * with an admin token. `useOrdersApi` starts it before the file's tests and
 * stops it after; the bindings below hold it meanwhile (each test file is a
 * module registry of its own, so each file gets its own checkout).
 */

export const ADMIN_TOKEN = 'orders-admin-token-0123456789';
export const asOperator = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const gateway = new SimulatedPaymentGateway();
export let database: Awaited<ReturnType<typeof createTestDatabase>>;
export let checkout: TestCheckout;
export let inspector: QueueInspector;
export let prefix: string;

/** `label` names the file's own database: files run in parallel, each needs its own. */
export function useOrdersApi(label: string) {
  beforeAll(async () => {
    database = await createTestDatabase(label);
    prefix = uniquePrefix('checkout-api');
    checkout = await startTestCheckout(
      { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, ADMIN_TOKEN },
      gateway,
    );
    // Checkout takes orders before RabbitMQ answers (the outbox holds their events). The tests
    // start once it is connected, so the /readyz test does not rely on the tests run before it.
    await waitFor('checkout connected to RabbitMQ', () => checkout.broker.connected);
    inspector = await QueueInspector.open();
  });

  afterAll(async () => {
    await checkout.stop();
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database.drop();
  });
}

/** Sends a request that must be refused, and checks that it wrote nothing. */
export async function expectRefusedWithoutWrites(
  send: () => Promise<{ status: number; headers: Headers; body: any }>,
) {
  const before = await checkoutRowCounts(database.prisma);
  const response = await send();
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await checkoutRowCounts(database.prisma)).toEqual(before);
  return response;
}
