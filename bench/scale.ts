/**
 * S1: what scaling on queue depth buys. The email service drains a backlog
 * of OrderCompleted events with one worker process, then with three
 * competing on the same queue, against an SMTP server that answers each
 * message 50 ms after it arrives (a relay's pace: the worker spends most of a
 * send waiting). Both drains are measured the same way in the same run: the
 * backlog is published and the workers started while the service is paused
 * (the job controls' pause, which every replica holds), and the clock runs
 * from the resume to the backlog's last email.
 *
 * A worker runs PREFETCH sends at once, so it cannot beat PREFETCH / latency
 * (5 / 50 ms = 100 events/s); past that, more workers are the only way up,
 * which is what KEDA does when the work queue grows (deploy/k8s).
 *
 *   npm run build && npm run bench:scale [-- --events 5000 --workers 3 --prefetch 5 --smtp-latency 50]
 *
 * Loopback only, bounded by --events and a time limit per drain. Its own
 * database and queue prefix, removed afterwards.
 */

import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import { Broker, topologyOf } from '@shared/messaging';
import { ConsumerControls } from '@shared/operations';
import { Command } from 'commander';
import { SHOP_REGISTRY } from '../contracts/src/registry';
import { anOrderCompleted } from './fulfillment-drain';
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
  waitUntil,
} from './support/environment';
import { BenchProcess } from './support/processes';

const DRAIN_TIMEOUT_MS = 300_000;

export interface ScaleOptions {
  events: number;
  workers: number;
  prefetch: number;
  smtpLatencyMs: number;
}

export async function run(options: ScaleOptions): Promise<BenchRow[]> {
  const { events, workers, prefetch, smtpLatencyMs } = options;
  const bench = benchRun('scale');
  const database = await benchDatabase(bench.databaseUrl);
  const controls = new ConsumerControls(database.prisma);
  const smtp = await CountingSmtpServer.start(smtpLatencyMs);
  const retryTiers = parseRetryDelays('1s,5s') as RetryTier[];
  const topology = topologyOf(SHOP_REGISTRY, { prefix: bench.prefix, retryTiers, deliveryLimit: 5 });
  const publisher = await Broker.connect({
    url: environment.AMQP_URL,
    topology,
    logger: createLogger('bench', 'warn'),
  });
  const env = {
    DATABASE_URL: bench.databaseUrl,
    AMQP_URL: environment.AMQP_URL.join(','),
    QUEUE_PREFIX: bench.prefix,
    RETRY_DELAYS: '1s,5s',
    PREFETCH: String(prefetch),
    DATABASE_POOL_SIZE: String(prefetch + 5),
    SMTP_URL: smtp.url,
  };
  const sentEmails = async () =>
    (
      await database.prisma.$queryRawUnsafe<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM email.sent_emails',
      )
    )[0]?.n ?? 0;

  /** Events per second for `count` workers to drain a backlog of `events`, from the resume to the last email. */
  const drain = async (count: number) => {
    await controls.pause('email', 'bench:scale');
    let published = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (published < events) {
          published++;
          await publisher.publish(anOrderCompleted());
        }
      }),
    );
    const running = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        BenchProcess.start(`email-${index + 1}`, { service: 'email', built: true }, env, 4400 + index),
      ),
    );
    try {
      const waiting = await queueDepth(`${bench.prefix}email.order-completed`);
      if (waiting !== events) throw new Error(`${waiting} events wait in the queue, not ${events}`);
      const before = await sentEmails();
      const started = performance.now();
      await controls.resume('email');
      await waitUntil(
        `${count} worker(s) to drain`,
        DRAIN_TIMEOUT_MS,
        async () => (await sentEmails()) >= before + events,
      );
      return events / ((performance.now() - started) / 1000);
    } finally {
      for (const worker of running) await worker.stop();
    }
  };

  try {
    const one = await drain(1);
    const many = await drain(workers);
    if (smtp.accepted !== 2 * events)
      throw new Error(`the SMTP server accepted ${smtp.accepted} mails, not ${2 * events}`);
    const ceiling = (prefetch * 1000) / smtpLatencyMs;
    const ratio = many / one;
    return [
      {
        id: 'S1',
        measure: `email: drain of ${events} events, 1 worker, SMTP answering in ${smtpLatencyMs} ms (events/s)`,
        value: fixed(one),
        baseline: `prefetch ${prefetch} / ${smtpLatencyMs} ms = ${fixed(ceiling)}`,
        ratio: `${fixed((one / ceiling) * 100)} %`,
        target: "(one worker's ceiling)",
        met: true,
      },
      {
        id: 'S1',
        measure: `email: the same drain, ${workers} workers on one queue (events/s)`,
        value: fixed(many),
        baseline: `1 worker ${fixed(one)}`,
        ratio: `${fixed(ratio, 2)}x`,
        target: `within 20 % of ${workers}x`,
        met: ratio >= 0.8 * workers,
      },
    ];
  } finally {
    await publisher.close();
    await removeTopology(topology);
    await smtp.stop();
    await database.drop();
  }
}

if (require.main === module) {
  const options = new Command()
    .option('--events <n>', 'events waiting in the email queue for each drain', Number, 5_000)
    .option('--workers <n>', 'email workers of the second drain', Number, 3)
    .option('--prefetch <n>', 'PREFETCH of each worker (its sends at once)', Number, 5)
    .option('--smtp-latency <ms>', "the SMTP server's delay before it accepts a message", Number, 50)
    .parse()
    .opts<{ events: number; workers: number; prefetch: number; smtpLatency: number }>();
  run({ ...options, smtpLatencyMs: options.smtpLatency }).then(
    (rows) => printRows('Scaling on queue depth (S1)', rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
