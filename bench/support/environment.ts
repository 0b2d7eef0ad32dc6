import { connect } from 'amqplib';
import { createPrismaClient, type PrismaClient } from '../../contracts/src/database';
import { dropDatabase, migrateDatabase } from '../../scripts/database';
import { seedDatabase } from '../../scripts/seed';
import { databaseVariables, loadConfig, messagingVariables } from '../../shared/src/config';
import { deleteTopology, type Topology } from '../../shared/src/messaging';

/**
 * What every benchmark shares: the same variables and defaults as the
 * services (so a machine with RabbitMQ and Postgres needs no setup), a name
 * of its own per run, and a database and queues it removes afterwards.
 */
export const environment = loadConfig({ ...databaseVariables, ...messagingVariables });

export function benchRun(label: string) {
  const id = `bench_${label}_${Date.now().toString(36)}`;
  const url = new URL(environment.DATABASE_URL);
  url.pathname = `/shop_${id}`;
  return { id, databaseUrl: url.toString(), prefix: `${id}.` };
}

/** The Postgres application_name of the bench's own connections. */
export const BENCH_APPLICATION_NAME = 'bench';

/** A migrated, seeded database of the run's own; `drop` removes it. */
export async function benchDatabase(
  databaseUrl: string,
): Promise<{ prisma: PrismaClient; drop(): Promise<void> }> {
  await migrateDatabase(databaseUrl);
  // Named, so that what the bench itself asks is not counted as the services' work (ServerCpu).
  const named = new URL(databaseUrl);
  named.searchParams.set('application_name', BENCH_APPLICATION_NAME);
  const prisma = createPrismaClient(named.toString(), { poolSize: 3 });
  await seedDatabase(prisma);
  return {
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(databaseUrl);
    },
  };
}

/** A broker that takes the socket but never answers the handshake fails the run instead of hanging it. */
const BROKER_SOCKET = { timeout: 10_000 };

export async function removeTopology(topology: Topology): Promise<void> {
  const connection = await connect(environment.AMQP_URL[0]!, BROKER_SOCKET);
  await deleteTopology(await connection.createChannel(), topology);
  await connection.close();
}

export async function queueDepth(queue: string): Promise<number> {
  const connection = await connect(environment.AMQP_URL[0]!, BROKER_SOCKET);
  try {
    return (await (await connection.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** The q-quantile of unsorted samples (nearest rank). */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One measured row of the P1-P6 table: the value, the baseline it is compared with, and the target. */
export interface BenchRow {
  id: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

export function printRows(title: string, rows: BenchRow[]) {
  console.log(`\n${title}`);
  console.table(
    rows.map(({ id, measure, value, baseline, ratio, target, met }) => ({
      id,
      measure,
      value,
      baseline,
      ratio,
      target,
      met: met ? 'yes' : 'no',
    })),
  );
}

export const fixed = (value: number, digits = 0) => value.toFixed(digits);
