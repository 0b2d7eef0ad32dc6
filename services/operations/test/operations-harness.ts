import type { Registry } from '@shared/messaging';
import { registryTopology } from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { createIsolatedDatabase } from '../../../test/isolated-database';
import { amqpUrl, QueueInspector, TEST_METRICS_TOKEN, testLogger, uniquePrefix } from '../../../test/support';
import { loadOperationsConfig } from '../src/config';
import { type RunningOperations, startOperations } from '../src/start-operations';

/**
 * What the operations tests share: a database of their own per test file (the
 * drain fills one store from every DLQ of a prefix), the operations service
 * started in-process on port 0, and requests.
 */

export async function createTestDatabase(label: string) {
  const database = await createIsolatedDatabase(label);
  const prisma: PrismaClient = createPrismaClient(database.url, { poolSize: 3 });
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

export function operationsEnvironment(env: Record<string, string>): Record<string, string> {
  return {
    AMQP_URL: amqpUrl(),
    PORT: '0',
    DATABASE_POOL_SIZE: '5',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...env,
  };
}

export interface TestOperations extends RunningOperations {
  baseUrl: string;
}

export async function startTestOperations(
  env: Record<string, string>,
  registry?: Registry,
): Promise<TestOperations> {
  const config = loadOperationsConfig(operationsEnvironment(env));
  const operations = await startOperations(config, testLogger('operations'), registry ? { registry } : {});
  return Object.assign(operations, { baseUrl: `http://127.0.0.1:${operations.port}` });
}

export const topologyFor = (prefix: string, registry: Registry = SHOP_REGISTRY) =>
  registryTopology(registry, loadOperationsConfig(operationsEnvironment({ QUEUE_PREFIX: prefix })));

/**
 * Registers what an operations test file needs around each test: its own
 * database and a queue inspector for the file, a fresh queue prefix per test,
 * and, after each test, every process it started stopped and its queues
 * deleted. `start` runs the operations service on that database and prefix.
 */
export function operationsTestContext(label: string) {
  const started: TestOperations[] = [];
  const context = {
    database: undefined as unknown as TestDatabase,
    inspector: undefined as unknown as QueueInspector,
    prefix: '',
    async start(env: Record<string, string> = {}): Promise<TestOperations> {
      const operations = await startTestOperations({
        DATABASE_URL: context.database.url,
        QUEUE_PREFIX: context.prefix,
        ...env,
      });
      started.push(operations);
      return operations;
    },
  };
  beforeAll(async () => {
    context.database = await createTestDatabase(label);
    context.inspector = await QueueInspector.open();
  });
  beforeEach(() => {
    context.prefix = uniquePrefix(`operations-${label}`);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((operations) => operations.stop()));
    await context.inspector.deleteTopology(topologyFor(context.prefix));
  });
  afterAll(async () => {
    await context.inspector.close();
    await context.database.drop();
  });
  return context;
}
