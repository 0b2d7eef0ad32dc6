/**
 * POST /orders latency (p50, p99) and throughput at a fixed concurrency, with
 * PAYMENT_LATENCY_MS=0, beside a bare Express handler that inserts one row
 * through the same driver (Prisma over node-postgres), in one run, with the
 * ratio. The difference is what checkout costs on top of "one HTTP request,
 * one INSERT": validation, the catalogue read, the pending insert, the
 * confirm transaction with its outbox and task rows, and the relay publishing
 * with confirms in the same process.
 *
 *   npm run bench:checkout [-- --requests 2000 --connections 20]
 *
 * Loopback only, bounded by --requests. Uses its own database and queue
 * prefix, and removes both afterwards.
 */
import { randomUUID } from 'node:crypto';
import { databaseVariables, loadConfig, messagingVariables } from '@shop/shared/config';
import { createPrismaClient, dropDatabase, migrateDatabase } from '@shop/shared/database';
import { createLogger } from '@shop/shared/logging';
import { deleteTopology, shopTopology } from '@shop/shared/messaging';
import { connect } from 'amqplib';
import autocannon from 'autocannon';
import { Command } from 'commander';
import express from 'express';
import { seedDatabase } from '../scripts/seed';
import { loadCheckoutConfig } from '../services/checkout/src/config';
import { startCheckout } from '../services/checkout/src/start-checkout';

const options = new Command()
  .option('--requests <n>', 'measured requests per side', (value) => Number.parseInt(value, 10), 2_000)
  .option('--connections <n>', 'concurrent connections', (value) => Number.parseInt(value, 10), 20)
  .option('--warmup <n>', 'unmeasured requests per side first', (value) => Number.parseInt(value, 10), 200)
  .parse()
  .opts<{ requests: number; connections: number; warmup: number }>();

const POOL_SIZE = 10;
// The same variables and defaults as the services.
const environment = loadConfig({ ...databaseVariables, ...messagingVariables });
const amqpUrl = environment.AMQP_URL;
const serverUrl = new URL(environment.DATABASE_URL);
const runId = `bench_checkout_${Date.now().toString(36)}`;
serverUrl.pathname = `/shop_${runId}`;
const databaseUrl = serverUrl.toString();
const queuePrefix = `${runId}.`;

const orderBody = JSON.stringify({
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  items: [
    { sku: 'MUG-CLASSIC', quantity: 2 },
    { sku: 'STICKER-PACK', quantity: 1 },
  ],
  payment: { cardNumber: '4242424242424242' },
});

interface Measured {
  p50: number;
  p99: number;
  throughput: number;
  non2xx: number;
}

async function load(url: string, amount: number): Promise<Measured> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: orderBody,
    connections: options.connections,
    amount,
    timeout: 10,
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    throughput: result.requests.average,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

async function measure(url: string): Promise<Measured> {
  await load(url, options.warmup);
  return load(url, options.requests);
}

/** The baseline: parse JSON, one INSERT through the same driver and pool size, answer 201. */
async function startBareInsert() {
  const prisma = createPrismaClient(databaseUrl, { poolSize: POOL_SIZE });
  await prisma.$executeRawUnsafe(
    'CREATE TABLE bench_rows (id uuid PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  );
  const app = express();
  app.use(express.json());
  app.post('/rows', async (req, res) => {
    const id = randomUUID();
    await prisma.$executeRaw`INSERT INTO bench_rows (id, body) VALUES (${id}::uuid, ${JSON.stringify(req.body)}::jsonb)`;
    res.status(201).json({ id });
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/rows`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prisma.$disconnect();
    },
  };
}

async function main() {
  await migrateDatabase(databaseUrl);
  const seeding = createPrismaClient(databaseUrl, { poolSize: 1 });
  await seedDatabase(seeding).finally(() => seeding.$disconnect());

  const config = loadCheckoutConfig({
    DATABASE_URL: databaseUrl,
    AMQP_URL: amqpUrl,
    QUEUE_PREFIX: queuePrefix,
    PORT: '0',
    PAYMENT_LATENCY_MS: '0',
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    // Request logging off on both sides, so the comparison is of the work, not of log lines.
    LOG_LEVEL: 'warn',
  });
  const checkout = await startCheckout(config, createLogger('checkout', config.LOG_LEVEL));
  const bare = await startBareInsert();
  try {
    const orders = await measure(`http://127.0.0.1:${checkout.port}/orders`);
    const baseline = await measure(bare.url);
    const outbox = await checkout.prisma.outboxMessage.count({ where: { publishedAt: null } });

    const row = (name: string, m: Measured) =>
      `${name.padEnd(28)}${String(m.p50).padStart(8)}${String(m.p99).padStart(8)}${m.throughput.toFixed(0).padStart(10)}${String(m.non2xx).padStart(8)}`;
    console.log(
      `\n${options.requests} requests per side after ${options.warmup} warm-up, ${options.connections} connections, PAYMENT_LATENCY_MS=0, pool ${POOL_SIZE}\n`,
    );
    console.log(
      `${'side'.padEnd(28)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'req/s'.padStart(10)}${'errors'.padStart(8)}`,
    );
    console.log(row('POST /orders (checkout)', orders));
    console.log(row('bare Express + 1 INSERT', baseline));
    console.log(
      `\nratio checkout / bare: p50 ×${(orders.p50 / baseline.p50).toFixed(1)}, p99 ×${(orders.p99 / baseline.p99).toFixed(1)}, throughput ×${(orders.throughput / baseline.throughput).toFixed(2)}`,
    );
    console.log(`outbox rows not yet published when the run ended: ${outbox}`);
  } finally {
    await bare.stop();
    await checkout.stop();
    await removeQueues();
    await dropDatabase(databaseUrl);
  }
}

async function removeQueues() {
  const connection = await connect(amqpUrl);
  await deleteTopology(
    await connection.createChannel(),
    shopTopology(loadCheckoutConfig({ QUEUE_PREFIX: queuePrefix })),
  );
  await connection.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
