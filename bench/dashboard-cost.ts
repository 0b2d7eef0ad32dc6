/**
 * What the dashboard costs the shop, and what its page weighs:
 *
 * - the five services' CPU (utime + stime from /proc) over the same period
 *   with no dashboard page open, then with pages open (each a live stream, as
 *   a browser holds it); target: under 5 % of a core with one update a second;
 * - the first load of the signed-in page: the HTML and every script and style
 *   it names, as sent and gzipped; target: under 300 kB.
 *
 *   npm run bench:dashboard [-- --seconds 30 --pages 3]
 *
 * Loopback only, bounded by --seconds. Its own database and queue prefix,
 * removed afterwards; the services run from their TypeScript sources.
 */
import { gzipSync } from 'node:zlib';
import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { topologyOf } from '@shared/messaging';
import { Command } from 'commander';
import { SHOP_REGISTRY } from '../contracts/src/registry';
import { CountingSmtpServer } from './support/counting-smtp-server';
import {
  type BenchRow,
  benchDatabase,
  benchRun,
  environment,
  fixed,
  printRows,
  removeTopology,
  sleep,
} from './support/environment';
import { BenchProcess } from './support/processes';

const SERVICES = ['checkout', 'operations', 'email', 'pdf', 'inventory', 'analytics'] as const;
const TOKEN = 'bench-admin-token-0123456789';

export async function run(seconds = 30, pages = 3): Promise<BenchRow[]> {
  const bench = benchRun('dashboard');
  const database = await benchDatabase(bench.databaseUrl);
  const smtp = await CountingSmtpServer.start();
  const retryTiers = parseRetryDelays('1s,5s') as RetryTier[];
  const topology = topologyOf(SHOP_REGISTRY, { prefix: bench.prefix, retryTiers, deliveryLimit: 5 });
  const env = {
    DATABASE_URL: bench.databaseUrl,
    AMQP_URL: environment.AMQP_URL.join(','),
    QUEUE_PREFIX: bench.prefix,
    RETRY_DELAYS: '1s,5s',
    SMTP_URL: smtp.url,
    ADMIN_TOKEN: TOKEN,
    PAYMENT_LATENCY_MS: '0',
  };
  const running: BenchProcess[] = [];
  const streams: AbortController[] = [];
  try {
    for (const [index, service] of SERVICES.entries()) {
      running.push(await BenchProcess.start(service, { service }, env, 4400 + index));
    }
    const urls = Object.fromEntries(
      running.map((process) => [`${process.name.toUpperCase()}_URL`, process.url]),
    );
    const dashboard = await BenchProcess.start(
      'dashboard',
      { service: 'dashboard' },
      { ...env, ...urls },
      4405,
    );
    // Some orders, so the pages have something to show.
    for (let index = 0; index < 20; index += 1) await placeOrder(running[0]!.url, index);
    await sleep(3_000);

    const servicesCpu = async () =>
      (await Promise.all(running.map((process) => process.cpuSeconds()))).reduce(
        (sum, value) => sum + value,
        0,
      );
    const closedStart = await servicesCpu();
    await sleep(seconds * 1000);
    const closed = (await servicesCpu()) - closedStart;

    const cookie = await signIn(dashboard.url);
    for (let page = 0; page < pages; page += 1) streams.push(openStream(dashboard.url, cookie));
    await sleep(3_000);
    const openStart = await servicesCpu();
    const dashboardStart = await dashboard.cpuSeconds();
    await sleep(seconds * 1000);
    const open = (await servicesCpu()) - openStart;
    const dashboardOwn = (await dashboard.cpuSeconds()) - dashboardStart;

    const load = await firstLoad(dashboard.url, cookie);
    const percent = (cpuSeconds: number) => (cpuSeconds / seconds) * 100;
    const extra = percent(open - closed);
    for (const stream of streams) stream.abort();
    await dashboard.stop();
    return [
      {
        id: 'D1',
        measure: `services' CPU, ${pages} pages open vs none (% of a core)`,
        value: fixed(extra, 2),
        baseline: `closed ${fixed(percent(closed), 2)}, open ${fixed(percent(open), 2)}`,
        ratio: `dashboard itself ${fixed(percent(dashboardOwn), 1)}`,
        target: '< 5',
        met: extra < 5,
      },
      {
        id: 'D2',
        measure: 'first load of the signed-in page (kB)',
        value: fixed(load.bytes / 1024, 0),
        baseline: `${fixed(load.gzipped / 1024, 0)} gzipped, ${load.files} files`,
        ratio: '-',
        target: '< 300',
        met: load.bytes < 300 * 1024,
      },
    ];
  } finally {
    for (const stream of streams) stream.abort();
    await Promise.all(running.map((process) => process.stop()));
    await smtp.stop();
    await database.drop();
    await removeTopology(topology);
  }
}

async function placeOrder(checkoutUrl: string, index: number) {
  await fetch(`${checkoutUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      customer: { email: `dashboard-bench-${index}@example.com`, name: 'Bench' },
      items: [{ sku: 'MUG-CLASSIC', quantity: 1 }],
      payment: { cardNumber: '4242424242424242' },
    }),
  });
}

async function signIn(dashboardUrl: string): Promise<string> {
  const response = await fetch(`${dashboardUrl}/sign-in`, {
    method: 'POST',
    body: new URLSearchParams({ token: TOKEN }),
    redirect: 'manual',
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 303 || !cookie) throw new Error(`sign-in failed: ${response.status}`);
  return cookie;
}

/** A page's live stream, read and thrown away until aborted. */
function openStream(dashboardUrl: string, cookie: string): AbortController {
  const controller = new AbortController();
  void fetch(`${dashboardUrl}/api/stream`, { headers: { cookie }, signal: controller.signal })
    .then(async (response) => {
      for await (const _chunk of response.body ?? []) {
        // Read only: the browser's work is not the shop's.
      }
    })
    .catch(() => {});
  return controller;
}

/** The HTML and every script and stylesheet it names, as sent and as gzip would send them. */
async function firstLoad(dashboardUrl: string, cookie: string) {
  const page = Buffer.from(await (await fetch(dashboardUrl, { headers: { cookie } })).arrayBuffer());
  const assets = [...page.toString().matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
  const bodies = [page];
  for (const asset of assets)
    bodies.push(Buffer.from(await (await fetch(`${dashboardUrl}${asset}`)).arrayBuffer()));
  return {
    files: bodies.length,
    bytes: bodies.reduce((sum, body) => sum + body.length, 0),
    gzipped: bodies.reduce((sum, body) => sum + gzipSync(body).length, 0),
  };
}

if (require.main === module) {
  const options = new Command()
    .option('--seconds <n>', 'length of each measured period', '30')
    .option('--pages <n>', 'pages open during the second period', '3')
    .parse()
    .opts<{ seconds: string; pages: string }>();
  run(Number(options.seconds), Number(options.pages)).then(
    (rows) => {
      printRows('Dashboard cost', rows);
      process.exit(rows.every((row) => row.met) ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
