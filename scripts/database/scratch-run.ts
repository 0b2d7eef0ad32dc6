import { databaseVariables, loadConfig, messagingVariables } from '@shared/core/config';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { seedDatabase } from '../seed';
import { dropDatabase } from './database-admin';
import { migrateDatabase } from './migrate-database';

/**
 * What the benchmarks and the chaos run share: the same variables and
 * defaults as the services (so a machine with RabbitMQ and Postgres needs no
 * setup), a name of its own per run (`bench_<label>_<time>`, which CI's sweep
 * of leftovers knows), and a database of its own it removes afterwards.
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
