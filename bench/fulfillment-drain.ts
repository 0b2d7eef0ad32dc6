/**
 * P5: how fast each consumer drains a backlog. N OrderCompleted events are
 * published while no consumer runs, so every work queue holds N; then each
 * service is started alone, from its built JavaScript, and timed until its N
 * side effects exist. Email sends to a fast SMTP sink on loopback.
 *
 *   npm run bench:fulfillment [-- --events 5000 --prefetch 50]
 *
 * Loopback only, bounded by --events. Its own database, queue prefix and
 * receipts directory, removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import { Broker, createEvent, topologyOf } from '@shared/messaging';
import { Command } from 'commander';
import type { PrismaClient } from '../contracts/src/database';
import { OrderCompletedV1 } from '../contracts/src/events';
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
  waitUntil,
} from './support/environment';
import { BenchProcess } from './support/processes';

const SERVICES = ['inventory', 'analytics', 'email', 'pdf'] as const;
type Service = (typeof SERVICES)[number];

const TARGET: Record<Service, number> = { inventory: 1_000, analytics: 1_000, email: 300, pdf: 200 };
const EFFECTS: Record<Service, string> = {
  email: 'SELECT count(*)::int AS n FROM email.sent_emails',
  pdf: 'SELECT count(*)::int AS n FROM pdf.receipts',
  inventory: 'SELECT count(DISTINCT order_id)::int AS n FROM inventory.stock_movements',
  analytics: 'SELECT count(*)::int AS n FROM analytics.order_facts',
};

export function anOrderCompleted() {
  return createEvent(
    OrderCompletedV1,
    {
      orderId: randomUUID(),
      customer: { email: `bench-${randomUUID().slice(0, 8)}@example.com`, name: 'Bench Customer' },
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

const effects = async (prisma: PrismaClient, service: Service) =>
  (await prisma.$queryRawUnsafe<{ n: number }[]>(EFFECTS[service]))[0]?.n ?? 0;

export async function run(events = 5_000, prefetch = 50): Promise<BenchRow[]> {
  const bench = benchRun('drain');
  const database = await benchDatabase(bench.databaseUrl);
  const smtp = await CountingSmtpServer.start();
  const receiptsDir = await mkdtemp(join(tmpdir(), 'bench-receipts-'));
  const retryTiers = parseRetryDelays('1s,5s') as RetryTier[];
  const topology = topologyOf(SHOP_REGISTRY, { prefix: bench.prefix, retryTiers, deliveryLimit: 5 });
  const publisher = await Broker.connect({
    url: environment.AMQP_URL,
    topology,
    logger: createLogger('bench', 'warn'),
  });
  const rows: BenchRow[] = [];
  try {
    let published = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (published < events) {
          published++;
          await publisher.publish(anOrderCompleted());
        }
      }),
    );
    for (const service of SERVICES) {
      const running = await BenchProcess.start(
        service,
        { service, built: true },
        {
          DATABASE_URL: bench.databaseUrl,
          AMQP_URL: environment.AMQP_URL.join(','),
          QUEUE_PREFIX: bench.prefix,
          RETRY_DELAYS: '1s,5s',
          PREFETCH: String(prefetch),
          DATABASE_POOL_SIZE: String(prefetch + 5),
          SMTP_URL: smtp.url,
          RECEIPTS_DIR: receiptsDir,
        },
        4201 + SERVICES.indexOf(service),
      );
      const started = performance.now();
      await waitUntil(
        `${service} to drain`,
        600_000,
        async () => (await effects(database.prisma, service)) >= events,
      );
      const perSecond = events / ((performance.now() - started) / 1000);
      await running.stop();
      rows.push({
        id: 'P5',
        measure: `${service}: drain of ${events} waiting events (msg/s)`,
        value: fixed(perSecond),
        baseline: `target ${TARGET[service]}`,
        ratio: `${fixed((perSecond / TARGET[service]) * 100)} %`,
        target: `>= ${TARGET[service]}`,
        met: perSecond >= TARGET[service],
      });
    }
    if (smtp.accepted !== events)
      throw new Error(`the SMTP sink accepted ${smtp.accepted} mails, not ${events}`);
    return rows;
  } finally {
    await publisher.close();
    await removeTopology(topology);
    await smtp.stop();
    await database.drop();
    await rm(receiptsDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { events, prefetch } = new Command()
    .option('--events <n>', 'events waiting in each queue', Number, 5_000)
    .option('--prefetch <n>', 'PREFETCH of each service', Number, 50)
    .parse()
    .opts<{ events: number; prefetch: number }>();
  run(events, prefetch).then(
    (rows) => printRows('Drain (P5)', rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
