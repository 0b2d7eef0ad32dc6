/**
 * The fulfillment services under load, all five processes started from their
 * entry files against the local RabbitMQ and Postgres and an SMTP server
 * started here:
 *
 * 1. Lag: orders placed over HTTP at a steady rate; for each service, the
 *    time from the order's commit (its outbox row) to its side effect being
 *    recorded (sent_emails, receipts, stock_movements, order_facts), p50/p99.
 * 2. Drain: N OrderCompleted events published while every fulfillment
 *    service is stopped, then each service started alone and timed until
 *    its N side effects exist and its queue is empty.
 *
 *   npm run bench:fulfillment [-- --rate 20 --seconds 15 --drain 5000 --prefetch 5]
 *
 * Loopback only, bounded by its options. Uses its own database, queue prefix
 * and receipts directory, and removes them afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseVariables, loadConfig, messagingVariables } from '@shop/shared/config';
import { Command } from 'commander';
import { seedDatabase } from '../scripts/seed';
import { parseRetryDelays, type RetryTier } from '../shared/src/config';
import { createPrismaClient, dropDatabase, migrateDatabase, type PrismaClient } from '../shared/src/database';
import { createEvent, OrderCompletedV1 } from '../shared/src/events';
import { createLogger } from '../shared/src/logging';
import {
  Broker,
  deleteTopology,
  describeTopology,
  SHOP_CONSUMERS,
  type Topology,
} from '../shared/src/messaging';
import { freePort, ServiceProcess } from '../test/service-process';
import { SmtpSink } from '../test/smtp-sink';

const options = new Command()
  .option('--rate <n>', 'orders per second in the lag phase', Number, 20)
  .option('--seconds <n>', 'length of the lag phase', Number, 15)
  .option('--drain <n>', 'events waiting in each queue in the drain phase', Number, 5_000)
  .option('--prefetch <n>', 'PREFETCH of every service', Number, 5)
  .parse()
  .opts<{ rate: number; seconds: number; drain: number; prefetch: number }>();

const SERVICES = ['email', 'pdf', 'inventory', 'analytics'] as const;
type Service = (typeof SERVICES)[number];
const DRAIN_TIMEOUT_MS = 300_000;

// The same variables and defaults as the services.
const environment = loadConfig({ ...databaseVariables, ...messagingVariables });
const amqpUrl = environment.AMQP_URL;
const runId = `bench_fulfillment_${Date.now().toString(36)}`;
const serverUrl = new URL(environment.DATABASE_URL);
serverUrl.pathname = `/shop_${runId}`;
const databaseUrl = serverUrl.toString();
const prefix = `${runId}.`;
const retryDelays = '1s,5s';

/** Seconds from the order's commit to the effect, per order, for one service. */
const LAG_QUERIES: Record<Service, string> = {
  email: 'SELECT e.sent_at AS done, e.order_id FROM email.sent_emails e',
  pdf: 'SELECT r.created_at AS done, r.order_id FROM pdf.receipts r',
  inventory:
    'SELECT max(m.created_at) AS done, m.order_id FROM inventory.stock_movements m GROUP BY m.order_id',
  analytics: 'SELECT f.recorded_at AS done, f.order_id FROM analytics.order_facts f',
};
const EFFECT_COUNTS: Record<Service, string> = {
  email: 'SELECT count(*)::int AS n FROM email.sent_emails',
  pdf: 'SELECT count(*)::int AS n FROM pdf.receipts',
  inventory: 'SELECT count(DISTINCT order_id)::int AS n FROM inventory.stock_movements',
  analytics: 'SELECT count(*)::int AS n FROM analytics.order_facts',
};

async function main() {
  const logger = createLogger('bench', 'warn');
  await migrateDatabase(databaseUrl);
  const prisma = createPrismaClient(databaseUrl, { poolSize: 3 });
  await seedDatabase(prisma);
  const smtp = await SmtpSink.start();
  const receiptsDir = await mkdtemp(join(tmpdir(), 'bench-receipts-'));
  const pdfPort = await freePort();
  const topology = describeTopology(SHOP_CONSUMERS, {
    prefix,
    retryTiers: tiers(retryDelays),
    deliveryLimit: 5,
  });
  const publisher = await Broker.connect({ url: amqpUrl, topology, logger });
  const env = {
    DATABASE_URL: databaseUrl,
    AMQP_URL: amqpUrl,
    QUEUE_PREFIX: prefix,
    RETRY_DELAYS: retryDelays,
    PREFETCH: String(options.prefetch),
    LOG_LEVEL: 'warn',
    SMTP_URL: smtp.url,
    RECEIPTS_DIR: receiptsDir,
    RECEIPTS_BASE_URL: `http://127.0.0.1:${pdfPort}`,
  };
  const start = (name: string) =>
    ServiceProcess.start(name, { ...env, ...(name === 'pdf' ? { PORT: String(pdfPort) } : {}) });

  try {
    console.log(`Fulfillment benchmark (${runId}), PREFETCH=${options.prefetch}, Node ${process.version}`);
    const all = await Promise.all(['checkout', ...SERVICES].map(start));
    await measureLag(prisma, all[0]!);
    await Promise.all(all.map((service) => service.stop()));
    await truncateEffects(prisma);
    await measureDrain(prisma, publisher, topology, start, receiptsDir);
  } finally {
    await publisher.close();
    await removeTopology(topology);
    await smtp.stop();
    await prisma.$disconnect();
    await dropDatabase(databaseUrl);
    await rm(receiptsDir, { recursive: true, force: true });
  }
}

async function measureLag(prisma: PrismaClient, checkout: ServiceProcess) {
  const total = Math.round(options.rate * options.seconds);
  console.log(`\n1. Lag at a steady ${options.rate} orders/s for ${options.seconds} s (${total} orders)`);
  const started = performance.now();
  const placed: Promise<boolean>[] = [];
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / options.rate;
    await sleep(Math.max(0, due - performance.now()));
    placed.push(placeOrder(checkout, index));
  }
  const accepted = (await Promise.all(placed)).filter(Boolean).length;
  if (accepted < total) {
    console.log(`   checkout refused ${total - accepted} of ${total} orders (503); its errors:`);
    for (const line of checkout.handle.lines.filter((l) => l.includes('"level":"error"')).slice(0, 3)) {
      console.log(`   ${line.slice(0, 400)}`);
    }
  }
  await waitUntil('every effect of every order', DRAIN_TIMEOUT_MS, async () => {
    for (const service of SERVICES) if ((await effectCount(prisma, service)) < accepted) return false;
    return true;
  });
  console.log('   service     p50 ms   p99 ms   max ms   (order commit -> effect recorded)');
  for (const service of SERVICES) {
    const [row] = await prisma.$queryRawUnsafe<{ p50: number; p99: number; max: number }[]>(`
      WITH effects AS (${LAG_QUERIES[service]}),
      lags AS (
        SELECT extract(epoch FROM effects.done - o.created_at) * 1000 AS ms
        FROM effects JOIN checkout.outbox o ON (o.payload->'data'->>'orderId')::uuid = effects.order_id
      )
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float AS p50,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::float AS p99,
             max(ms)::float AS max
      FROM lags`);
    console.log(`   ${service.padEnd(10)} ${fmt(row!.p50)} ${fmt(row!.p99)} ${fmt(row!.max)}`);
  }
}

async function measureDrain(
  prisma: PrismaClient,
  publisher: Broker,
  topology: Topology,
  start: (name: string) => Promise<ServiceProcess>,
  receiptsDir: string,
) {
  const count = options.drain;
  console.log(`\n2. Drain: ${count} OrderCompleted waiting in each queue, one service running at a time`);
  const publishStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < count) {
        next++;
        await publisher.publish(anOrderCompleted());
      }
    }),
  );
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  console.log(`   published ${count} events with confirms in ${publishSeconds.toFixed(1)} s`);
  const queueOf = (service: Service) =>
    topology.services.find((queues) => queues.service === service)!.workQueue;
  console.log('   service     msg/s    seconds');
  for (const service of SERVICES) {
    const running = await start(service);
    const started = performance.now();
    await waitUntil(
      `${service} to drain`,
      DRAIN_TIMEOUT_MS,
      async () => (await effectCount(prisma, service)) >= count,
    );
    const seconds = (performance.now() - started) / 1000;
    await running.stop();
    const left = await queueDepth(queueOf(service));
    console.log(
      `   ${service.padEnd(10)} ${fmt(count / seconds)} ${seconds.toFixed(1).padStart(8)}${left ? `   (${left} left in queue)` : ''}`,
    );
  }
  const files = (await readdir(receiptsDir)).filter((name) => name.endsWith('.pdf')).length;
  console.log(`   receipts on disk: ${files}`);
}

function anOrderCompleted() {
  return createEvent(
    OrderCompletedV1,
    {
      orderId: randomUUID(),
      customer: { email: 'bench@example.com', name: 'Bench Customer' },
      items: [
        { sku: 'MUG-CLASSIC', name: 'Classic mug', quantity: 1, unitPriceCents: 1200, lineTotalCents: 1200 },
        { sku: 'STICKER-PACK', name: 'Sticker pack', quantity: 2, unitPriceCents: 400, lineTotalCents: 800 },
      ],
      totalCents: 2000,
      currency: 'EUR',
      paymentId: `pay_${randomUUID()}`,
      placedAt: new Date().toISOString(),
    },
    { correlationId: randomUUID() },
  );
}

/** True when the order was accepted; a 503 (checkout could not save it) is counted, not fatal. */
async function placeOrder(checkout: ServiceProcess, index: number): Promise<boolean> {
  const response = await fetch(`${checkout.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      customer: { email: `bench-${index}@example.com`, name: 'Bench Customer' },
      items: [
        { sku: 'MUG-CLASSIC', quantity: 1 },
        { sku: 'STICKER-PACK', quantity: 2 },
      ],
      payment: { cardNumber: '4242424242424242' },
    }),
  });
  if (response.status === 503) return false;
  if (response.status !== 201) throw new Error(`POST /orders: ${response.status} ${await response.text()}`);
  return true;
}

async function effectCount(prisma: PrismaClient, service: Service): Promise<number> {
  const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(EFFECT_COUNTS[service]);
  return row?.n ?? 0;
}

async function truncateEffects(prisma: PrismaClient) {
  await prisma.$executeRawUnsafe(
    'TRUNCATE email.sent_emails, email.processed_events, pdf.receipts, pdf.processed_events, inventory.stock_movements, inventory.processed_events, analytics.order_fact_lines, analytics.order_facts, analytics.processed_events',
  );
}

async function queueDepth(queue: string): Promise<number> {
  const { connect } = await import('amqplib');
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

async function removeTopology(topology: Topology) {
  const { connect } = await import('amqplib');
  const connection = await connect(amqpUrl);
  await deleteTopology(await connection.createChannel(), topology);
  await connection.close();
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

function tiers(value: string): RetryTier[] {
  const parsed = parseRetryDelays(value);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (value: number) => value.toFixed(0).padStart(8);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
