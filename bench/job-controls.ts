/**
 * The job controls' costs, each beside a baseline in the same run:
 *
 * - J1, the rate limiter's overhead per send: a turn from SharedRateLimiter
 *   (one upsert in runtime.rate_limits, under a limit high enough never to
 *   wait) beside the cheapest Postgres round trip on the same pool (SELECT 1).
 * - J2, the scheduler: 10,000 delayed jobs due at the same moment, published
 *   by the job relay (runtime.scheduled_jobs) until every one is confirmed
 *   and marked, beside the checkout outbox relay draining 10,000 rows the
 *   same way. Target: at least 1,000 jobs/s.
 *
 *   npm run bench:jobs [-- --jobs 10000 --turns 2000]
 *
 * Loopback only, bounded by its counts. Its own database and queues, removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import { Broker, createEvent, describeTopology, OutboxRelay } from '@shared/messaging';
import { JOBS_TABLE, parseRate, type Rate, rateLimitPool, SharedRateLimiter } from '@shared/operations';
import { Command } from 'commander';
import pg from 'pg';
import { createPrismaClient } from '../contracts/src/database';
import { ReviewRequestDueV1 } from '../contracts/src/events';
import { dropDatabase, migrateDatabase } from '../scripts/database';
import {
  type BenchRow,
  benchRun,
  environment,
  fixed,
  printRows,
  queueDepth,
  removeTopology,
  waitUntil,
} from './support/environment';

const logger = createLogger('bench', 'warn');

/** Mean milliseconds per call of `call`, run `count` times one after another. */
async function perCall(count: number, call: () => Promise<unknown>): Promise<number> {
  for (let warmUp = 0; warmUp < 100; warmUp++) await call();
  const started = performance.now();
  for (let index = 0; index < count; index++) await call();
  return (performance.now() - started) / count;
}

/**
 * A turn beside the least a shared counter costs: one raw upsert of one row
 * on a pool set up like the limiter's (its commits do not wait for the WAL).
 */
async function rateLimiterOverhead(databaseUrl: string, turns: number) {
  const pool = rateLimitPool(databaseUrl);
  await pool.query('CREATE TABLE bench_counter (key text PRIMARY KEY, points int NOT NULL)');
  const rawUpsert = () =>
    pool.query(
      `INSERT INTO bench_counter VALUES ('k', 1)
       ON CONFLICT (key) DO UPDATE SET points = bench_counter.points + 1 RETURNING points`,
    );
  const limiter = new SharedRateLimiter(pool, `bench-${randomUUID()}`, parseRate('100000/s') as Rate, logger);
  const upsert = await perCall(turns, rawUpsert);
  const turn = await perCall(turns, () => limiter.acquire('main'));
  limiter.close();
  await pool.end();
  return { upsert, turn };
}

/** Inserts `count` rows into `table` due at `dueAt`, in batches, with `columns` and their values. */
async function fill(pool: pg.Pool, count: number, insert: (ids: string[]) => Promise<unknown>) {
  for (let start = 0; start < count; start += 1_000) {
    await insert(Array.from({ length: Math.min(1_000, count - start) }, () => randomUUID()));
  }
}

function jobEvent(id: string, dueAt: Date) {
  return createEvent(
    ReviewRequestDueV1,
    {
      orderId: randomUUID(),
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      items: [{ sku: 'MUG-CLASSIC', name: 'Classic mug' }],
      placedAt: new Date().toISOString(),
    },
    { id, correlationId: id, occurredAt: dueAt },
  );
}

/** Rows published per second by a relay over `table` (scoped to `service`), from the moment they are due. */
async function drain(
  databaseUrl: string,
  label: string,
  count: number,
  table: string,
  fillRows: (pool: pg.Pool, dueAt: Date) => Promise<void>,
  service?: string,
) {
  const topology = describeTopology(
    [{ service: 'sink', queue: 'jobs', routingKeys: [ReviewRequestDueV1.routingKey] }],
    { prefix: `${label}.`, retryTiers: parseRetryDelays('1s') as RetryTier[], deliveryLimit: 5 },
  );
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const prisma = createPrismaClient(databaseUrl, { poolSize: 4 });
  const broker = await Broker.connect({ url: environment.AMQP_URL, topology, logger });
  const dueAt = new Date(Date.now() + 5_000);
  await fillRows(pool, dueAt);
  const relay = new OutboxRelay(prisma, broker, logger, {
    table,
    pollMs: 200,
    batchSize: 500,
    ...(service ? { service } : {}),
  });
  relay.start();
  const pending = async () =>
    Number((await pool.query(`SELECT count(*) AS n FROM ${table} WHERE published_at IS NULL`)).rows[0].n);
  await waitUntil('the rows due', 30_000, async () => Date.now() >= dueAt.getTime());
  const started = performance.now();
  await waitUntil(`${count} rows published`, 120_000, async () => (await pending()) === 0);
  const seconds = (performance.now() - started) / 1000;
  const delivered = await queueDepth(topology.services[0]!.workQueue);
  await relay.stop();
  await broker.close();
  await prisma.$disconnect();
  await pool.end();
  await removeTopology(topology);
  if (delivered < count) throw new Error(`only ${delivered} of ${count} messages reached the queue`);
  return count / seconds;
}

export async function run(jobs = 10_000, turns = 2_000): Promise<BenchRow[]> {
  const bench = benchRun('jobs');
  await migrateDatabase(bench.databaseUrl);
  try {
    const { upsert, turn } = await rateLimiterOverhead(bench.databaseUrl, turns);
    const scheduler = await drain(
      bench.databaseUrl,
      `${bench.id}.jobs`,
      jobs,
      JOBS_TABLE,
      (pool, dueAt) =>
        fill(pool, jobs, (ids) =>
          pool.query(
            `INSERT INTO ${JOBS_TABLE} (id, service, type, payload, due_at, next_attempt_at)
           SELECT id, 'bench', $2, $3::jsonb || jsonb_build_object('id', id), $4, $4 FROM unnest($1::uuid[]) AS id`,
            [ids, ReviewRequestDueV1.type, JSON.stringify(jobEvent(randomUUID(), dueAt)), dueAt],
          ),
        ),
      'bench',
    );
    const outbox = await drain(
      bench.databaseUrl,
      `${bench.id}.outbox`,
      jobs,
      'checkout.outbox',
      (pool, dueAt) =>
        fill(pool, jobs, (ids) =>
          pool.query(
            `INSERT INTO checkout.outbox (id, type, payload, next_attempt_at)
           SELECT id, $2, $3::jsonb || jsonb_build_object('id', id), $4 FROM unnest($1::uuid[]) AS id`,
            [ids, ReviewRequestDueV1.type, JSON.stringify(jobEvent(randomUUID(), dueAt)), dueAt],
          ),
        ),
    );
    return [
      {
        id: 'J1',
        measure: 'rate limiter: one turn (ms, never waiting)',
        value: fixed(turn, 3),
        baseline: `raw one-row upsert ${fixed(upsert, 3)}`,
        ratio: `${fixed(turn / upsert, 2)}x`,
        target: '<= 1.5x the raw upsert',
        met: turn <= 1.5 * upsert,
      },
      {
        id: 'J2',
        measure: `scheduler: ${jobs.toLocaleString('en')} jobs due at once (jobs/s)`,
        value: fixed(scheduler),
        baseline: `checkout outbox relay ${fixed(outbox)}`,
        ratio: `${fixed((scheduler / outbox) * 100)} %`,
        target: '>= 1,000 jobs/s',
        met: scheduler >= 1_000,
      },
    ];
  } finally {
    await dropDatabase(bench.databaseUrl);
  }
}

if (require.main === module) {
  new Command('bench-jobs')
    .option('--jobs <n>', 'delayed jobs due at once', Number, 10_000)
    .option('--turns <n>', 'rate limiter turns', Number, 2_000)
    .action(async (options: { jobs: number; turns: number }) => {
      printRows('Job controls', await run(options.jobs, options.turns));
    })
    .parseAsync()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
