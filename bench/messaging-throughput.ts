/**
 * Messages per second through the messaging core (publish with confirm →
 * consume → inbox transaction → ack) beside a raw amqplib loop (publish →
 * consume → ack, no confirms, no database) on the same broker, in one run.
 *
 *   npm run bench:messaging [-- --messages 5000]
 *
 * Loopback only, bounded by --messages. Uses its own database and queue
 * prefix, and removes both afterwards.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { Command } from 'commander';
import {
  databaseVariables,
  loadConfig,
  messagingVariables,
  parseRetryDelays,
  type RetryTier,
} from '../shared/src/config';
import { createPrismaClient, dropDatabase, migrateDatabase } from '../shared/src/database';
import { createEvent, OrderCompletedV1 } from '../shared/src/events';
import { createLogger } from '../shared/src/logging';
import { Broker, deleteTopology, describeTopology, handleOnce, type Topology } from '../shared/src/messaging';

const options = new Command()
  .option('--messages <n>', 'messages per side', (value) => Number.parseInt(value, 10), 5_000)
  .option('--in-flight <n>', 'unconfirmed publishes at once', (value) => Number.parseInt(value, 10), 100)
  .option('--prefetch <n>', 'consumer prefetch', (value) => Number.parseInt(value, 10), 20)
  .parse()
  .opts<{ messages: number; inFlight: number; prefetch: number }>();

// The same variables and defaults as the services.
const environment = loadConfig({ ...databaseVariables, ...messagingVariables });
const amqpUrl = environment.AMQP_URL;
const serverUrl = new URL(environment.DATABASE_URL);
const runId = `bench_${Date.now().toString(36)}`;
serverUrl.pathname = `/shop_${runId}`;
const databaseUrl = serverUrl.toString();

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

/** Runs `publishOne` for every message with at most `inFlight` outstanding. */
async function publishAll(count: number, inFlight: number, publishOne: () => Promise<void>) {
  let started = 0;
  const lanes = Array.from({ length: inFlight }, async () => {
    while (started < count) {
      started++;
      await publishOne();
    }
  });
  await Promise.all(lanes);
}

async function measureCore(withInbox: boolean): Promise<number> {
  const prefix = `${runId}.core${withInbox ? 'inbox' : ''}.`;
  const topology = describeTopology(
    [{ service: 'bench', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] }],
    { prefix, retryTiers: parseRetryDelays('1s') as RetryTier[], deliveryLimit: 5 },
  );
  const logger = createLogger('bench', 'warn');
  const prisma = createPrismaClient(databaseUrl, { poolSize: options.prefetch + 5 });
  await prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS bench_effects (order_id uuid PRIMARY KEY)');
  const publisher = await Broker.connect({ url: amqpUrl, topology, logger });
  const consumer = await Broker.connect({
    url: amqpUrl,
    topology,
    logger,
    service: 'bench',
    prefetch: options.prefetch,
  });
  let handled = 0;
  let resolveDone: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  consumer.subscribe('bench', OrderCompletedV1, async (event) => {
    if (withInbox) {
      await handleOnce(
        prisma,
        'inventory',
        event,
        (tx) => tx.$executeRaw`INSERT INTO bench_effects (order_id) VALUES (${event.data.orderId}::uuid)`,
      );
    }
    if (++handled === options.messages) resolveDone();
  });

  const started = performance.now();
  await publishAll(options.messages, options.inFlight, () => publisher.publish(sampleEvent()));
  await done;
  const seconds = (performance.now() - started) / 1000;

  await consumer.close();
  await publisher.close();
  await prisma.$disconnect();
  await removeTopology(topology);
  return options.messages / seconds;
}

/** The same loop on bare amqplib; with `confirms`, each publish waits for the broker's confirm like the core's. */
async function measureRaw(confirms: boolean): Promise<number> {
  const queue = `${runId}.raw${confirms ? '-confirms' : ''}`;
  const connection = await connect(amqpUrl);
  const channel = confirms ? await connection.createConfirmChannel() : await connection.createChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.prefetch(options.prefetch);
  const body = Buffer.from(JSON.stringify(sampleEvent()));
  let handled = 0;
  const done = new Promise<void>((resolve) => {
    void channel.consume(queue, (message) => {
      if (!message) return;
      channel.ack(message);
      if (++handled === options.messages) resolve();
    });
  });

  const started = performance.now();
  if (confirms) {
    await publishAll(
      options.messages,
      options.inFlight,
      () =>
        new Promise<void>((resolve, reject) => {
          channel.sendToQueue(queue, body, { persistent: true, messageId: randomUUID() }, (error) =>
            error ? reject(error) : resolve(),
          );
        }),
    );
  } else {
    for (let sent = 0; sent < options.messages; sent++) {
      if (!channel.sendToQueue(queue, body, { persistent: true, messageId: randomUUID() })) {
        await new Promise((resolve) => channel.once('drain', resolve));
      }
    }
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  await channel.deleteQueue(queue);
  await connection.close();
  return options.messages / seconds;
}

async function removeTopology(topology: Topology) {
  const connection = await connect(amqpUrl);
  await deleteTopology(await connection.createChannel(), topology);
  await connection.close();
}

async function main() {
  await migrateDatabase(databaseUrl);
  try {
    console.log(
      `${options.messages} messages per side, prefetch ${options.prefetch}, ${options.inFlight} publishes in flight`,
    );
    const raw = await measureRaw(false);
    console.log(`raw amqplib (publish, consume, ack):                       ${raw.toFixed(0)} msg/s`);
    const rawConfirmed = await measureRaw(true);
    console.log(
      `raw amqplib with publisher confirms:                       ${rawConfirmed.toFixed(0)} msg/s`,
    );
    const coreOnly = await measureCore(false);
    console.log(`messaging core without database (confirm, consume, ack):   ${coreOnly.toFixed(0)} msg/s`);
    const core = await measureCore(true);
    console.log(`messaging core (confirm, consume, inbox transaction, ack): ${core.toFixed(0)} msg/s`);
    console.log(
      `core / raw: ${(core / raw).toFixed(2)}; core / raw with confirms: ${(core / rawConfirmed).toFixed(2)}; without database: ${(coreOnly / rawConfirmed).toFixed(2)}`,
    );
  } finally {
    await dropDatabase(databaseUrl);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
