/**
 * P4 and P6: the whole stack, five services from their built JavaScript (as
 * the image runs them) on this machine, with orders placed over HTTP at a
 * fixed rate (open loop: the next order goes out on time whatever the last
 * one took):
 *
 * - P4 lag: at 100 orders/s, commit to all four effects per order, p50/p99;
 *   an order's commit is its outbox row, each effect its own row's time.
 * - P4 throughput: at 200 orders/s, every order accepted, and every work
 *   queue's depth stays bounded and back at zero soon after.
 * - P6: each service's resident memory (the kernel's VmRSS) at its peak
 *   during the 200 orders/s phase.
 *
 * Beside the services' CPU per order, what Postgres (the run's backends) and
 * RabbitMQ spend per order, for the capacity model (docs/scaling.md).
 * `--replicas 2` runs two of every service: orders alternate between the
 * checkouts, consumers compete on their queues.
 *
 *   npm run build && npm run bench:stack [-- --seconds 20 --replicas 1]
 *
 * Loopback only, bounded by --seconds. Email sends to a fast SMTP sink. Its
 * own database, queue prefix and receipts directory, removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { topologyOf } from '@shared/messaging';
import { Command } from 'commander';
import type { PrismaClient } from '../contracts/src/database';
import { SHOP_REGISTRY } from '../contracts/src/registry';
import { CountingSmtpServer } from './support/counting-smtp-server';
import {
  type BenchRow,
  benchDatabase,
  benchRun,
  environment,
  fixed,
  printRows,
  queueDepth,
  removeTopology,
  sleep,
  waitUntil,
} from './support/environment';
import { openLoop } from './support/http-load';
import { BenchProcess } from './support/processes';
import { ServerCpu } from './support/server-cpu';

/** The image's NODE_OPTIONS (Dockerfile). */
const RUNTIME_NODE_OPTIONS = '--max-old-space-size=96 --max-semi-space-size=4';
const SERVICES = ['checkout', 'email', 'pdf', 'inventory', 'analytics'] as const;
const CONSUMERS = ['email', 'pdf', 'inventory', 'analytics'] as const;
type Service = (typeof SERVICES)[number];

/** Per order: its commit (the outbox row) and the moment its last of four effects was recorded. */
const ALL_EFFECTS_LAG = `
  WITH effects AS (
    SELECT order_id, sent_at AS done FROM email.sent_emails
    UNION ALL SELECT order_id, created_at FROM pdf.receipts
    UNION ALL SELECT order_id, max(created_at) FROM inventory.stock_movements GROUP BY order_id
    UNION ALL SELECT order_id, recorded_at FROM analytics.order_facts
  ),
  per_order AS (
    SELECT order_id, max(done) AS done, count(*) AS effects FROM effects GROUP BY order_id
  )
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float AS p50,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::float AS p99
  FROM (
    SELECT extract(epoch FROM per_order.done - o.created_at) * 1000 AS ms
    FROM per_order JOIN checkout.outbox o ON (o.payload->'data'->>'orderId')::uuid = per_order.order_id
    WHERE per_order.effects = 4 AND o.created_at >= $1
  ) AS lags`;

const orderBody = (index: number) =>
  JSON.stringify({
    customer: { email: `stack-${index}@example.com`, name: 'Stack Bench' },
    items: [
      { sku: 'MUG-CLASSIC', quantity: 1 },
      { sku: 'STICKER-PACK', quantity: 2 },
    ],
    payment: { cardNumber: '4242424242424242' },
  });

async function allEffectsDone(prisma: PrismaClient, orders: number) {
  const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(`
    SELECT least(
      (SELECT count(*) FROM email.sent_emails), (SELECT count(*) FROM pdf.receipts),
      (SELECT count(DISTINCT order_id) FROM inventory.stock_movements), (SELECT count(*) FROM analytics.order_facts)
    )::int AS n`);
  return (row?.n ?? 0) >= orders;
}

export async function run(seconds = 20, replicas = 1): Promise<BenchRow[]> {
  const bench = benchRun('stack');
  const database = await benchDatabase(bench.databaseUrl);
  // Stock for every order of the run, so none is backordered.
  await database.prisma.$executeRawUnsafe('UPDATE inventory.stock_items SET on_hand = 1000000');
  const smtp = await CountingSmtpServer.start();
  const receiptsDir = await mkdtemp(join(tmpdir(), 'bench-receipts-'));
  const retryTiers = parseRetryDelays('1s,5s') as RetryTier[];
  const topology = topologyOf(SHOP_REGISTRY, { prefix: bench.prefix, retryTiers, deliveryLimit: 5 });
  const env = {
    DATABASE_URL: bench.databaseUrl,
    AMQP_URL: environment.AMQP_URL.join(','),
    QUEUE_PREFIX: bench.prefix,
    RETRY_DELAYS: '1s,5s',
    // As many messages in flight per service whatever the replicas, and every pool together
    // within 70 of Postgres's default 100 connections (the rest for the machine's other work).
    PREFETCH: String(Math.floor(10 / replicas)),
    DATABASE_POOL_SIZE: String(Math.floor(70 / (SERVICES.length * replicas))),
    SMTP_URL: smtp.url,
    RECEIPTS_DIR: receiptsDir,
    RECEIPTS_BASE_URL: 'http://127.0.0.1:4302',
    PAYMENT_LATENCY_MS: '0',
    OUTBOX_BACKLOG_LIMIT: '1000000',
    LOG_LEVEL: 'info',
    // As the image runs them (Dockerfile): a bounded heap, and glibc's arenas capped.
    NODE_OPTIONS: RUNTIME_NODE_OPTIONS,
    MALLOC_ARENA_MAX: '2',
  };
  const running: { service: Service; process: BenchProcess }[] = [];
  try {
    for (let replica = 0; replica < replicas; replica++) {
      for (const [index, service] of SERVICES.entries()) {
        const name = replicas === 1 ? service : `${service}-${replica + 1}`;
        const port = 4300 + 10 * replica + index;
        running.push({
          service,
          process: await BenchProcess.start(name, { service, built: true }, env, port),
        });
      }
    }
    const processes = running.map(({ process }) => process);
    const checkouts = running.filter(({ service }) => service === 'checkout');
    const serverCpu = await ServerCpu.start(database.prisma, bench.databaseUrl);
    const brokerIdle = await serverCpu.brokerIdleRate();
    let placed = 0;
    const place = async (rate: number) => {
      const statuses = await openLoop({
        url: checkouts.map(({ process }) => `${process.url}/orders`),
        body: (index) => orderBody(placed + index),
        rate,
        seconds,
      });
      placed += statuses.length;
      return statuses.filter((status) => status !== 201).length;
    };

    // P4, lag at 100 orders/s; and where the CPU goes, per order.
    const cpuBefore = await Promise.all(processes.map((process) => process.cpuSeconds()));
    const serversBefore = await serverCpu.read();
    const lagFrom = new Date();
    const hundredStarted = performance.now();
    const refusedAtHundred = await place(100);
    await waitUntil('every effect at 100/s', 120_000, () => allEffectsDone(database.prisma, placed));
    const hundredSeconds = (performance.now() - hundredStarted) / 1000;
    const cpuAfter = await Promise.all(processes.map((process) => process.cpuSeconds()));
    const serversAfter = await serverCpu.read();
    // Per service, its replicas together.
    const msPerOrder = (cpuSeconds: number) => fixed((cpuSeconds * 1000) / placed, 1);
    const cpuPerOrder = SERVICES.map((service) => {
      const used = running.reduce(
        (sum, entry, index) => (entry.service === service ? sum + cpuAfter[index]! - cpuBefore[index]! : sum),
        0,
      );
      return `${service} ${msPerOrder(used)}`;
    });
    const postgresPerOrder = msPerOrder(serversAfter.postgres - serversBefore.postgres);
    const brokerPerOrder = msPerOrder(
      serversAfter.broker - serversBefore.broker - brokerIdle * hundredSeconds,
    );
    const [lag] = await database.prisma.$queryRawUnsafe<{ p50: number; p99: number }[]>(
      ALL_EFFECTS_LAG,
      lagFrom,
    );

    // P4, 200 orders/s sustained; P6, memory meanwhile.
    const peakRss = new Map<string, number>();
    let maxDepth = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        // Per service, its heaviest replica.
        for (const { service, process } of running) {
          peakRss.set(service, Math.max(peakRss.get(service) ?? 0, await process.rssMb()));
        }
        for (const service of CONSUMERS) {
          maxDepth = Math.max(maxDepth, await queueDepth(`${bench.prefix}${service}.order-completed`));
        }
        await sleep(500);
      }
    })();
    const burstStarted = performance.now();
    const refusedAtTwoHundred = await place(200);
    const placing = (performance.now() - burstStarted) / 1000;
    await waitUntil('every effect at 200/s', 120_000, () => allEffectsDone(database.prisma, placed));
    const settled = (performance.now() - burstStarted) / 1000 - placing;
    sampling = false;
    await sampler;

    const heaviest = [...peakRss].sort((a, b) => b[1] - a[1]);
    const each = replicas === 1 ? '' : `, ${replicas} replicas each`;
    return [
      {
        id: 'P4',
        measure: `CPU per order at 100 orders/s (ms), by service${each}`,
        value: cpuPerOrder.join(', '),
        baseline: '-',
        ratio: '-',
        target: '(where the time goes)',
        met: true,
      },
      {
        id: 'P4',
        measure: 'CPU per order at 100 orders/s (ms), Postgres and RabbitMQ',
        value: `postgres ${postgresPerOrder}, rabbitmq ${brokerPerOrder}`,
        baseline: `rabbitmq idle ${fixed(brokerIdle * 100, 1)} % of a core, taken off`,
        ratio: '-',
        target: '(where the time goes)',
        met: true,
      },
      {
        id: 'P4',
        measure: 'commit to all four effects at 100 orders/s, p99 (ms)',
        value: `p50 ${fixed(lag?.p50 ?? Number.NaN)}, p99 ${fixed(lag?.p99 ?? Number.NaN)}`,
        baseline: `${refusedAtHundred} refused`,
        ratio: '-',
        target: 'p99 <= 100 ms',
        met: (lag?.p99 ?? Number.POSITIVE_INFINITY) <= 100 && refusedAtHundred === 0,
      },
      {
        id: 'P4',
        measure: `200 orders/s for ${seconds} s: queues bounded, drained after${each}`,
        value: `${fixed((seconds * 200) / placing)} orders/s placed`,
        baseline: `max depth ${maxDepth}, drained ${fixed(settled, 1)} s after`,
        ratio: `${refusedAtTwoHundred} refused`,
        target: '>= 200/s, depth bounded',
        met: refusedAtTwoHundred === 0 && (seconds * 200) / placing >= 195 && settled < 10,
      },
      {
        id: 'P4',
        measure: `orders through all four effects per second at 200 offered${each}`,
        value: fixed((seconds * 200) / (placing + settled)),
        baseline: `${fixed(placing + settled, 1)} s for ${seconds * 200} orders`,
        ratio: '-',
        target: '(capacity on this machine)',
        met: true,
      },
      {
        id: 'P6',
        measure: 'peak RSS per service at 200 orders/s (MB), built JS',
        value: heaviest.map(([name, mb]) => `${name} ${fixed(mb)}`).join(', '),
        baseline: '-',
        ratio: '-',
        target: '<= 150 MB each',
        met: heaviest.every(([, mb]) => mb <= 150),
      },
    ];
  } finally {
    for (const { process } of running) await process.stop();
    await removeTopology(topology);
    await smtp.stop();
    await database.drop();
    await rm(receiptsDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { seconds, replicas } = new Command()
    .option('--seconds <n>', 'length of each phase', Number, 20)
    .option('--replicas <n>', 'processes of each service (1 to 3)', Number, 1)
    .parse()
    .opts<{ seconds: number; replicas: number }>();
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 3)
    throw new Error(`--replicas must be a whole number from 1 to 3, not ${replicas}`);
  run(seconds, replicas).then(
    (rows) => printRows('The whole stack (P4, P6)', rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
