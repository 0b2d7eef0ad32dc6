import type { Topology } from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { createIsolatedDatabase } from './isolated-database';
import { QueueInspector, uniquePrefix } from './support';

/** A migrated, seeded database of the file's own with a client on it, dropped by `drop`. */
export async function createTestDatabase(
  label: string,
): Promise<{ url: string; prisma: PrismaClient; drop: () => Promise<void> }> {
  const database = await createIsolatedDatabase(label);
  const prisma = createPrismaClient(database.url, { poolSize: 3 });
  return {
    url: database.url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

/** How a test file starts its service, and the queues a prefix gives it. */
export interface ServiceUnderTest<Running extends { stop(): Promise<void> }, Extra extends unknown[]> {
  name: string;
  start: (env: Record<string, string>, ...extra: Extra) => Promise<Running>;
  topologyFor: (prefix: string) => Topology;
}

/**
 * Registers what a service's test file needs around each test: its own
 * database and a queue inspector for the file, a fresh queue prefix per test,
 * and, after each test, every process it started stopped and its queues
 * deleted. `start` runs the service on that database and prefix.
 */
export function serviceTestContext<Running extends { stop(): Promise<void> }, Extra extends unknown[]>(
  service: ServiceUnderTest<Running, Extra>,
  label: string,
) {
  const started: Running[] = [];
  const context = {
    database: undefined as unknown as TestDatabase,
    inspector: undefined as unknown as QueueInspector,
    prefix: '',
    async start(env: Record<string, string> = {}, ...extra: Extra): Promise<Running> {
      const running = await service.start(
        { DATABASE_URL: context.database.url, QUEUE_PREFIX: context.prefix, ...env },
        ...extra,
      );
      started.push(running);
      return running;
    },
  };
  beforeAll(async () => {
    context.database = await createTestDatabase(label);
    context.inspector = await QueueInspector.open();
  });
  beforeEach(() => {
    context.prefix = uniquePrefix(`${service.name}-${label}`);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((running) => running.stop()));
    await context.inspector.deleteTopology(service.topologyFor(context.prefix));
  });
  afterAll(async () => {
    await context.inspector.close();
    await context.database.drop();
  });
  return context;
}
