/**
 * Places orders over HTTP and shows them flowing.
 *
 *   npm run demo                      10 orders, each order's four tasks live, then a summary
 *   npm run demo -- --orders 50       more orders
 *   npm run demo -- --compare         the classic synchronous checkout beside this one
 *
 * Talks to checkout at CHECKOUT_URL (default http://localhost:3000), started by
 * `npm start` or `docker compose up`.
 */

import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { MultiBar, Presets } from 'cli-progress';
import { Command } from 'commander';

/** The tasks every order gets, as the registry lists them. */
const TASKS = SHOP_REGISTRY.tasks.map(({ task }) => task);
type TaskStatus = 'pending' | 'retrying' | 'completed' | 'failed';
interface OrderView {
  id: string;
  totalCents: number;
  fulfillment: Record<string, { status: TaskStatus; attempts: number }>;
}
interface Product {
  sku: string;
  name: string;
  priceCents: number;
}

const options = new Command('demo')
  .option('--orders <n>', 'orders to place', (value) => Number.parseInt(value, 10), 10)
  .option('--compare', 'time the classic synchronous checkout beside the asynchronous one')
  .option('--compare-orders <n>', 'orders per side in --compare', (value) => Number.parseInt(value, 10), 3)
  .option(
    '--timeout <seconds>',
    'give up waiting for fulfillment after',
    (value) => Number.parseInt(value, 10),
    120,
  )
  .parse()
  .opts<{ orders: number; compare?: boolean; compareOrders: number; timeout: number }>();

const checkoutUrl = process.env.CHECKOUT_URL ?? 'http://localhost:3000';

async function main() {
  const products = await getJson<Product[]>('/products');
  if (options.compare) return compare(products);

  console.log(`Placing ${options.orders} orders at ${checkoutUrl} ...`);
  const placed = [];
  for (let index = 0; index < options.orders; index++) placed.push(await placeOrder(products, index));
  const responseTimes = placed.map((order) => order.ms);
  console.log(`Checkout answered in ${describe(responseTimes)}. Now the background work:\n`);

  const display = progressDisplay(placed.map((order) => order.id));
  const doneAt = new Map<string, number>();
  const deadline = Date.now() + options.timeout * 1000;
  while (doneAt.size < placed.length && Date.now() < deadline) {
    for (const order of placed) {
      if (doneAt.has(order.id)) continue;
      const view = await getJson<OrderView>(`/orders/${order.id}`);
      const finished = TASKS.filter((task) =>
        ['completed', 'failed'].includes(view.fulfillment[task]?.status ?? 'pending'),
      );
      const tasks = TASKS.map((task) => badge(task, view)).join('  ');
      display.update(order.id, finished.length, tasks);
      if (finished.length === TASKS.length) doneAt.set(order.id, performance.now() - order.placedAt);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  display.stop();

  const fulfilled = [...doneAt.values()];
  console.log(`\nSummary`);
  console.log(`  orders placed:               ${placed.length}`);
  console.log(`  checkout response time:      ${describe(responseTimes)}`);
  console.log(
    `  fully fulfilled:             ${fulfilled.length}/${placed.length}, after ${describe(fulfilled)}`,
  );
  if (fulfilled.length < placed.length)
    console.log('  (the rest are still retrying or waiting in a DLQ: see GET /orders/{id})');
}

/** The same orders through the classic synchronous demo mode, then through the real one. */
async function compare(products: Product[]) {
  console.log(`Classic synchronous checkout (${options.compareOrders} orders, one at a time) ...`);
  const classic = [];
  for (let index = 0; index < options.compareOrders; index++) {
    classic.push((await placeOrder(products, index, '/classic/orders')).ms);
  }
  console.log(`Event-driven checkout (${options.compareOrders} orders, one at a time) ...`);
  const eventDriven = [];
  for (let index = 0; index < options.compareOrders; index++) {
    eventDriven.push((await placeOrder(products, index)).ms);
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log(`\n  classic synchronous: ${seconds(mean(classic))} per order`);
  console.log(`  event-driven:        ${seconds(mean(eventDriven))} per order`);
  console.log(`  the shopper waits ${(mean(classic) / mean(eventDriven)).toFixed(1)}x less`);
  console.log('  (the classic story: 8.8 s versus 0.8 s)');
}

/**
 * One live bar per order in a terminal; when the output is piped (a CI log,
 * a file), one line per order as it finishes instead.
 */
function progressDisplay(orderIds: string[]) {
  const label = (id: string) => id.slice(0, 8);
  if (!process.stdout.isTTY) {
    const printed = new Set<string>();
    return {
      update(id: string, finished: number, tasks: string) {
        if (finished < TASKS.length || printed.has(id)) return;
        printed.add(id);
        console.log(` ${label(id)}  ${tasks}`);
      },
      stop() {},
    };
  }
  const bars = new MultiBar(
    { format: ` {order} |{bar}| {value}/${TASKS.length}  {tasks}`, hideCursor: true, clearOnComplete: false },
    Presets.shades_grey,
  );
  const rows = new Map(
    orderIds.map((id) => [id, bars.create(TASKS.length, 0, { order: label(id), tasks: '' })]),
  );
  return {
    update(id: string, finished: number, tasks: string) {
      rows.get(id)?.update(finished, { order: label(id), tasks });
    },
    stop: () => bars.stop(),
  };
}

async function placeOrder(products: Product[], index: number, route = '/orders') {
  const items = [products[index % products.length]!, products[(index + 2) % products.length]!].map(
    (product) => ({
      sku: product.sku,
      quantity: 1 + (index % 3),
    }),
  );
  const placedAt = performance.now();
  const response = await fetch(`${checkoutUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      customer: { email: `shopper${index}@example.com`, name: `Shopper ${index}` },
      items,
      payment: { cardNumber: '4242424242424242' },
    }),
  });
  const ms = performance.now() - placedAt;
  if (response.status !== 201)
    throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
  const order = (await response.json()) as { id: string };
  return { id: order.id, ms, placedAt };
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${checkoutUrl}${path}`);
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

function badge(task: string, view: OrderView) {
  const { status, attempts } = view.fulfillment[task] ?? { status: 'pending', attempts: 0 };
  const mark = { pending: '·', retrying: '↻', completed: '✓', failed: '✗' }[status];
  return `${mark} ${task}${attempts > 1 ? ` (${attempts} tries)` : ''}`;
}

function describe(values: number[]) {
  if (values.length === 0) return 'n/a';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${seconds(at(0.5))}, p99 ${seconds(at(0.99))}`;
}

function seconds(ms: number) {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

main().catch((error: Error) => {
  console.error(`demo failed: ${error.message}`);
  if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') {
    console.error(
      `Is checkout running at ${checkoutUrl}? Start the stack with \`npm start\` or \`docker compose up\`.`,
    );
  }
  process.exit(1);
});
