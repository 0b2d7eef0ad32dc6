/**
 * P3: messages per second through the messaging core beside raw amqplib on
 * the same broker, in one run, with the same queue type (quorum), publisher
 * confirms, prefetch and message count:
 *
 * - no-op: publish with confirm, consume, ack. The core adds the envelope's
 *   validation, the handler timeout, metrics and the crash-loop guard.
 * - inbox: the same, with the inbox row and an effect row written in one
 *   transaction per message; the baseline does it with raw `pg`
 *   (BEGIN, two INSERTs, COMMIT), the core through Prisma (context.inbox).
 *
 *   npm run bench:messaging [-- --messages 10000 --prefetch 50]
 *
 * Loopback only, bounded by --messages. Its own database and queue names,
 * removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import { Broker, createEvent, describeTopology } from '@shared/messaging';
import { connect } from 'amqplib';
import { Command } from 'commander';
import pg from 'pg';
import { createPrismaClient, inboxClaim } from '../contracts/src/database';
import { OrderCompletedV1 } from '../contracts/src/events';
import { dropDatabase, migrateDatabase } from '../scripts/database';
import {
  type BenchRow,
  benchRun,
  environment,
  fixed,
  printRows,
  removeTopology,
} from './support/environment';

const IN_FLIGHT = 100;

function sampleEvent() {
  return createEvent(
    OrderCompletedV1,
    {
      orderId: randomUUID(),
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      items: [
        { sku: 'MUG-CLASSIC', name: 'Classic mug', quantity: 2, unitPriceCents: 1200, lineTotalCents: 2400 },
      ],
      totalCents: 2400,
      currency: 'EUR',
      paymentId: `pay_${randomUUID()}`,
      placedAt: new Date().toISOString(),
    },
    { correlationId: randomUUID() },
  );
}

/** Runs `publishOne` for every message with at most IN_FLIGHT unconfirmed at once. */
async function publishAll(count: number, publishOne: () => Promise<void>) {
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < count) {
        started++;
        await publishOne();
      }
    }),
  );
}

/** Consumed messages per second, from the first publish to the last handled message. */
async function timed(count: number, publish: () => Promise<void>, handledAll: Promise<void>) {
  const started = performance.now();
  await publishAll(count, publish);
  await handledAll;
  return count / ((performance.now() - started) / 1000);
}

function counter(count: number) {
  let handled = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  return { all, one: () => ++handled === count && done() };
}

async function measureRaw(
  label: string,
  count: number,
  prefetch: number,
  effect?: (id: string) => Promise<void>,
) {
  const queue = `${label}.raw`;
  const connection = await connect(environment.AMQP_URL[0]);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.prefetch(prefetch);
  const handled = counter(count);
  await channel.consume(queue, (message) => {
    if (!message) return;
    const settle = () => {
      channel.ack(message);
      handled.one();
    };
    if (!effect) return settle();
    const { id } = JSON.parse(message.content.toString('utf8')) as { id: string };
    void effect(id).then(settle);
  });
  const rate = await timed(
    count,
    () =>
      new Promise<void>((resolve, reject) => {
        const body = Buffer.from(JSON.stringify(sampleEvent()));
        channel.sendToQueue(queue, body, { persistent: true, messageId: randomUUID() }, (error) =>
          error ? reject(error) : resolve(),
        );
      }),
    handled.all,
  );
  await channel.deleteQueue(queue);
  await connection.close();
  return rate;
}

/** How the core's handler writes its effect: not at all, in an interactive transaction, or in one statement with the claim. */
type CoreEffect = 'none' | 'transaction' | 'statement';

async function measureCore(
  label: string,
  count: number,
  prefetch: number,
  effect: CoreEffect,
  databaseUrl = '',
) {
  const topology = describeTopology(
    [{ service: 'bench', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] }],
    { prefix: `${label}.`, retryTiers: parseRetryDelays('1s') as RetryTier[], deliveryLimit: 5 },
  );
  const logger = createLogger('bench', 'warn');
  const prisma = effect === 'none' ? undefined : createPrismaClient(databaseUrl, { poolSize: prefetch + 2 });
  const publisher = await Broker.connect({ url: environment.AMQP_URL, topology, logger });
  const consumer = await Broker.connect({
    url: environment.AMQP_URL,
    topology,
    logger,
    service: 'bench',
    prefetch,
  });
  const handled = counter(count);
  consumer.subscribe({
    service: 'bench',
    contracts: [OrderCompletedV1],
    ...(prisma ? { inbox: { db: prisma, schema: 'inventory' } } : {}),
    handler: async (event, { inbox }) => {
      if (prisma && effect === 'transaction') {
        await inbox.once((tx) => tx.$executeRaw`INSERT INTO bench_effects (id) VALUES (${event.id}::uuid)`);
      }
      if (prisma && effect === 'statement') {
        await prisma.$executeRaw`
          WITH claim AS (${inboxClaim(inbox.claim)}) INSERT INTO bench_effects (id) SELECT event_id FROM claim`;
      }
      handled.one();
    },
  });
  const rate = await timed(count, () => publisher.publish(sampleEvent()), handled.all);
  await consumer.close();
  await publisher.close();
  await prisma?.$disconnect();
  await removeTopology(topology);
  return rate;
}

export async function run(count = 10_000, prefetch = 50): Promise<BenchRow[]> {
  const bench = benchRun('messaging');
  await migrateDatabase(bench.databaseUrl);
  const pool = new pg.Pool({ connectionString: bench.databaseUrl, max: prefetch + 2 });
  await pool.query('CREATE TABLE bench_effects (id uuid PRIMARY KEY)');
  /** The baseline's transaction: the inbox row and the effect row, raw pg. */
  const rawTransaction = async (id: string) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const claimed = await client.query(
        `INSERT INTO inventory.processed_events (event_id, event_type) VALUES ($1, 'bench') ON CONFLICT DO NOTHING`,
        [id],
      );
      if (claimed.rowCount === 1) await client.query('INSERT INTO bench_effects (id) VALUES ($1)', [id]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  try {
    const raw = await measureRaw(`${bench.id}.noop`, count, prefetch);
    const core = await measureCore(`${bench.id}.noop`, count, prefetch, 'none');
    const truncate = () => pool.query('TRUNCATE bench_effects, inventory.processed_events');
    await truncate();
    const rawInbox = await measureRaw(`${bench.id}.inbox`, count, prefetch, rawTransaction);
    await truncate();
    const coreInbox = await measureCore(`${bench.id}.inbox`, count, prefetch, 'statement', bench.databaseUrl);
    await truncate();
    const coreTransaction = await measureCore(
      `${bench.id}.itx`,
      count,
      prefetch,
      'transaction',
      bench.databaseUrl,
    );
    return [
      {
        id: 'P3',
        measure: `core, no-op handler (msg/s, prefetch ${prefetch})`,
        value: fixed(core),
        baseline: `raw amqplib ${fixed(raw)}`,
        ratio: `${fixed((core / raw) * 100)} %`,
        target: '>= 50 %',
        met: core >= 0.5 * raw,
      },
      {
        id: 'P3',
        measure: `core, inbox + effect row in one statement (msg/s)`,
        value: fixed(coreInbox),
        baseline: `raw amqplib + pg ${fixed(rawInbox)}`,
        ratio: `${fixed((coreInbox / rawInbox) * 100)} %`,
        target: '>= 80 %',
        met: coreInbox >= 0.8 * rawInbox,
      },
      {
        id: 'P3',
        measure: 'core, inbox + effect in an interactive transaction (msg/s)',
        value: fixed(coreTransaction),
        baseline: `raw amqplib + pg ${fixed(rawInbox)}`,
        ratio: `${fixed((coreTransaction / rawInbox) * 100)} %`,
        target: '(general path)',
        met: true,
      },
    ];
  } finally {
    await pool.end();
    await dropDatabase(bench.databaseUrl);
  }
}

if (require.main === module) {
  const { messages, prefetch } = new Command()
    .option('--messages <n>', 'messages per side', Number, 10_000)
    .option('--prefetch <n>', 'consumer prefetch, both sides', Number, 50)
    .parse()
    .opts<{ messages: number; prefetch: number }>();
  run(messages, prefetch).then(
    (rows) => printRows('Messaging (P3)', rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
