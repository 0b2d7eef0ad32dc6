import type { EventEnvelope, Registry } from '@shared/messaging';
import { registryTopology } from '@shared/messaging';
import type { PrismaClient } from '@shop/contracts/database';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { serviceTestContext } from '../../../test/service-test-context';
import { amqpUrl, type QueueInspector, TEST_METRICS_TOKEN, testLogger, waitFor } from '../../../test/support';
import { loadCheckoutConfig } from '../src/config';
import type { PaymentGateway } from '../src/payment/payment-gateway';
import { type RunningCheckout, startCheckout } from '../src/start-checkout';

export { createTestDatabase, type TestDatabase } from '../../../test/service-test-context';

/**
 * What the checkout tests share: a database of their own per test file (the
 * outbox is one table, so a relay started by another file would publish this
 * file's rows), a checkout started in-process on port 0, and requests.
 */

export function checkoutEnvironment(env: Record<string, string>): Record<string, string> {
  return {
    AMQP_URL: amqpUrl(),
    PORT: '0',
    RETRY_DELAYS: '200ms,400ms',
    OUTBOX_POLL_MS: '200',
    DATABASE_POOL_SIZE: '5',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...env,
  };
}

export interface TestCheckout extends RunningCheckout {
  baseUrl: string;
}

export async function startTestCheckout(
  env: Record<string, string>,
  payments?: PaymentGateway,
  registry?: Registry,
): Promise<TestCheckout> {
  const config = loadCheckoutConfig(checkoutEnvironment(env));
  const checkout = await startCheckout(config, testLogger('checkout'), {
    ...(payments ? { payments } : {}),
    ...(registry ? { registry } : {}),
  });
  return Object.assign(checkout, { baseUrl: `http://127.0.0.1:${checkout.port}` });
}

export const topologyFor = (prefix: string, registry: Registry = SHOP_REGISTRY) =>
  registryTopology(registry, loadCheckoutConfig(checkoutEnvironment({ QUEUE_PREFIX: prefix })));

/** The queue where every published OrderCompleted lands (nothing consumes it in these tests). */
export const orderEventsQueue = (prefix: string) => `${prefix}email.order-completed`;

export function anOrderRequest(overrides: Record<string, unknown> = {}) {
  return {
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    items: [
      { sku: 'MUG-CLASSIC', quantity: 2 },
      { sku: 'STICKER-PACK', quantity: 1 },
    ],
    payment: { cardNumber: '4242424242424242' },
    ...overrides,
  };
}

export async function postOrder(
  baseUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
  route: '/orders' | '/classic/orders' = '/orders',
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Takes the published events in `queue` until one per order id has arrived; returns every message taken. */
export async function takeEventsFor(
  inspector: QueueInspector,
  queue: string,
  orderIds: string[],
  timeoutMs = 15_000,
): Promise<EventEnvelope<{ orderId: string }>[]> {
  const taken: EventEnvelope<{ orderId: string }>[] = [];
  await waitFor(
    `events for ${orderIds.length} order(s) in ${queue}`,
    async () => {
      for (const message of await inspector.drain(queue)) taken.push(JSON.parse(message.content.toString()));
      const seen = new Set(taken.map((event) => event.data.orderId));
      return orderIds.every((id) => seen.has(id));
    },
    timeoutMs,
  );
  return taken;
}

/** Row counts of every table a request could write. */
export async function checkoutRowCounts(prisma: PrismaClient) {
  const [orders, lines, outbox, tasks] = await Promise.all([
    prisma.order.count(),
    prisma.orderLine.count(),
    prisma.outboxMessage.count(),
    prisma.fulfillmentTask.count(),
  ]);
  return { orders, lines, outbox, tasks };
}

/** serviceTestContext (test/service-test-context.ts) for checkout: `start(env, payments?)`. */
export const checkoutTestContext = (label: string) =>
  serviceTestContext(
    {
      name: 'checkout',
      start: (env, payments?: PaymentGateway) => startTestCheckout(env, payments),
      topologyFor,
    },
    label,
  );
