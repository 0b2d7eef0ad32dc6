/**
 * Runs the compose file the way a newcomer does, and checks what they should see.
 *
 *   npm run compose:check                      5 starts on fresh volumes, then one on the volumes kept
 *   npm run compose:check -- --runs 1          one fresh start
 *   npm run compose:check -- --profile observability
 *   npm run compose:check -- --compose "docker-compose -p standin -f .compose.host.yml"
 *
 * Each fresh start is `down -v` then `up -d --build`, with no .env of its own (the compose file's
 * defaults). Once every published process answers /readyz, it places
 * one order over HTTP and waits for what the order promises: every task completed, the
 * confirmation in Mailpit, the receipt PDF downloadable, the stock moved, the sale counted and
 * the webhook at the merchant's receiver.
 * A start that fails prints the logs of the one-shots (database-roles, migrate) and stops.
 * Needs Docker with Compose v2 (or --compose naming another command); leaves the stack down
 * unless --leave-up.
 */

import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SHOP_MANIFEST, SHOP_PROCESSES, type ShopProcess } from '@shop/contracts/registry';
import { Command } from 'commander';

const options = new Command('compose-check')
  .option('--runs <n>', 'starts on fresh volumes (down -v, up)', (value) => Number.parseInt(value, 10), 5)
  .option('--no-keep', 'skip the last start, on the volumes the fresh starts left')
  .option('--profile <name>', 'a compose profile to start as well (e.g. observability)')
  .option(
    '--timeout <seconds>',
    'for each start, and for each order',
    (value) => Number.parseInt(value, 10),
    300,
  )
  .option('--compose <command>', 'the compose command, with its own arguments', 'docker compose')
  .option('--leave-up', 'leave the last start running')
  .parse()
  .opts<{
    runs: number;
    keep: boolean;
    profile?: string;
    timeout: number;
    compose: string;
    leaveUp?: boolean;
  }>();

const HOST = 'http://127.0.0.1';
/** The published ports whose /readyz says the stack is up: every process but those that scale out. */
const READY = Object.fromEntries(
  SHOP_PROCESSES.filter((name) => !SHOP_MANIFEST[name].scalesOut).map((name) => [
    name,
    SHOP_MANIFEST[name].port,
  ]),
);
/** Where a process answers on the host, e.g. `at('checkout')`: http://127.0.0.1:3000. */
const at = (name: ShopProcess) => `${HOST}:${SHOP_MANIFEST[name].port}`;
const MAILPIT = `${HOST}:8025`;
/** The merchant's webhook receiver that compose runs beside the webhooks service. */
const RECEIVER = `${HOST}:${SHOP_MANIFEST.webhooks.compose.companion.port}`;
/** What each profile adds, and the page that says it is up. */
const PROFILE_READY: Record<string, Record<string, string>> = {
  observability: {
    prometheus: `${HOST}:9090/-/ready`,
    grafana: `${HOST}:3006/api/health`,
    jaeger: `${HOST}:16686/`,
  },
};

function compose(...args: string[]): void {
  const profile = options.profile ? `--profile ${options.profile} ` : '';
  const command = `${options.compose} ${profile}${args.join(' ')}`;
  console.log(`$ ${command}`);
  const { status } = spawnSync(command, { shell: true, stdio: 'inherit' });
  if (status !== 0) throw new Error(`${command} exited ${status}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + options.timeout * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${options.timeout}s`);
    await sleep(1_000);
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

interface Order {
  id: string;
  fulfillment: Record<string, { status: string; url?: string }> | null;
}

/** Seconds from `up` until every published service answers /readyz. */
async function waitUntilReady(startedAt: number): Promise<number> {
  for (const [service, port] of Object.entries(READY)) {
    await until(`${service} ready`, async () =>
      (await fetch(`${HOST}:${port}/readyz`)).ok ? true : undefined,
    );
  }
  for (const [service, url] of Object.entries(PROFILE_READY[options.profile ?? ''] ?? {})) {
    await until(`${service} ready`, async () => ((await fetch(url)).ok ? true : undefined));
  }
  return (Date.now() - startedAt) / 1000;
}

/** One order, followed to each place a newcomer looks; returns the seconds it took. */
async function placeAndFollowOrder(): Promise<number> {
  const startedAt = Date.now();
  const [product] = await json<{ sku: string }[]>(`${at('checkout')}/products`);
  if (!product) throw new Error('the catalogue is empty');
  const stockBefore = await json<{ onHand: number; backordered: number }>(
    `${at('inventory')}/inventory/${product.sku}`,
  );
  const salesBefore = await json<{ orders: number }>(`${at('analytics')}/analytics/summary`);
  const email = `compose-check-${randomUUID().slice(0, 8)}@example.com`;
  const order = await json<Order>(`${at('checkout')}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      customer: { email, name: 'Compose Check' },
      items: [{ sku: product.sku, quantity: 1 }],
      payment: { cardNumber: '4242424242424242' },
    }),
  });

  const done = await until('every task completed', async () => {
    const view = await json<Order>(`${at('checkout')}/orders/${order.id}`);
    const tasks = Object.values(view.fulfillment ?? {});
    return tasks.length > 0 && tasks.every(({ status }) => status === 'completed') ? view : undefined;
  });
  await until('the confirmation in Mailpit', () => mailpitHasMailTo(email));
  const receiptUrl = done.fulfillment?.receipt?.url;
  if (!receiptUrl) throw new Error('the receipt task completed without a URL');
  const receipt = await fetch(receiptUrl);
  const head = Buffer.from(await receipt.arrayBuffer())
    .subarray(0, 5)
    .toString();
  if (!receipt.ok || head !== '%PDF-') throw new Error(`the receipt ${receiptUrl} is not a PDF`);
  await until('the stock moved', async () => {
    const after = await json<{ onHand: number; backordered: number }>(
      `${at('inventory')}/inventory/${product.sku}`,
    );
    return after.onHand < stockBefore.onHand || after.backordered > stockBefore.backordered
      ? true
      : undefined;
  });
  await until('the sale counted', async () => {
    const sales = await json<{ orders: number }>(`${at('analytics')}/analytics/summary`);
    return sales.orders > salesBefore.orders ? true : undefined;
  });
  await until("the webhook at the merchant's receiver", async () => {
    const { deliveries } = await json<{ deliveries: { orderId: string | null }[] }>(`${RECEIVER}/deliveries`);
    return deliveries.some(({ orderId }) => orderId === order.id) ? true : undefined;
  });
  return (Date.now() - startedAt) / 1000;
}

let warnedNoApi = false;
/** Mailpit's search API, as its page uses it; a file listing stands in where there is no API. */
async function mailpitHasMailTo(email: string): Promise<true | undefined> {
  const search = await fetch(`${MAILPIT}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}`);
  if (search.ok) return ((await search.json()) as { messages_count: number }).messages_count > 0 || undefined;
  if (!warnedNoApi) console.warn(`! ${MAILPIT} has no Mailpit API (${search.status}); reading its listing`);
  warnedNoApi = true;
  const listing = await (await fetch(`${MAILPIT}/`)).text();
  for (const [, href] of listing.matchAll(/href="([^"]+)"/g)) {
    if ((await (await fetch(new URL(href!, `${MAILPIT}/`))).text()).includes(email)) return true;
  }
  return undefined;
}

interface Start {
  start: string;
  readySeconds: number;
  orderSeconds: number;
}

async function start(label: string, fresh: boolean): Promise<Start> {
  if (fresh) compose('down', '-v', '--remove-orphans');
  else compose('down', '--remove-orphans');
  const startedAt = Date.now();
  compose('up', '-d', '--build');
  try {
    const readySeconds = await waitUntilReady(startedAt);
    const orderSeconds = await placeAndFollowOrder();
    console.log(
      `${label}: ready in ${readySeconds.toFixed(1)} s, order followed in ${orderSeconds.toFixed(1)} s`,
    );
    return { start: label, readySeconds, orderSeconds };
  } catch (error) {
    compose('ps', '-a');
    compose('logs', '--no-color', 'database-roles', 'migrate');
    throw new Error(`${label}: ${(error as Error).message}`);
  }
}

async function main() {
  const starts: Start[] = [];
  for (let run = 1; run <= options.runs; run++) starts.push(await start(`fresh start ${run}`, true));
  if (options.keep) starts.push(await start('start on kept volumes', false));
  console.table(
    starts.map(({ start, readySeconds, orderSeconds }) => ({
      start,
      'ready (s)': Number(readySeconds.toFixed(1)),
      'order followed (s)': Number(orderSeconds.toFixed(1)),
    })),
  );
  console.log(`PASS: ${starts.length} starts, each ready and each order everywhere it should be`);
}

main()
  .catch((error: Error) => {
    console.error(`FAILED: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    try {
      if (!options.leaveUp) compose('down', '--remove-orphans');
    } catch (error) {
      console.error((error as Error).message);
      process.exitCode = 1;
    }
  });
