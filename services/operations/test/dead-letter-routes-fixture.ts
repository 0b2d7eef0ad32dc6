import { createHttpApp, type RunningServer, startHttpServer } from '@shared/http';
import { Broker, HEADERS, type Topology } from '@shared/messaging';
import { DeadLetterStore, DeadLetters } from '@shared/operations';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { OPERATIONS_ROUTES } from '@shop/contracts/operations-api';
import type { OrderCompleted } from '../../../test/order-events';
import {
  amqpUrl,
  databaseUrl,
  QueueInspector,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';
import { deadLetterRoutes } from '../src/http/dead-letter-routes';
import { OPERATIONS_API } from '../src/http/operations-api';

/**
 * What the dead-letter admin API tests share: the routes as the operations
 * service mounts them, over a store the drain fills, once with an admin token
 * and once without. `useDeadLetterAdminApi` starts it all before the file's
 * tests; the bindings below hold it meanwhile (each test file is a module
 * registry of its own).
 */

const DEAD_LETTER_ROUTES = [
  OPERATIONS_ROUTES.deadLetterQueues,
  OPERATIONS_ROUTES.deadLetters,
  OPERATIONS_ROUTES.deadLetter,
  OPERATIONS_ROUTES.preview,
  OPERATIONS_ROUTES.replay,
  OPERATIONS_ROUTES.discard,
  OPERATIONS_ROUTES.audit,
];

export const TOKEN = 'admin-token-for-tests-0123456789';

export let topology: Topology;
export let inspector: QueueInspector;
export let broker: Broker;
export let prisma: PrismaClient;
export let deadLetters: DeadLetters;
export let server: RunningServer;
export let serverWithoutToken: RunningServer;

export const ledger = () => topology.services[0]!;

export const call = (
  path: string,
  init: { method?: string; token?: string; body?: unknown; to?: RunningServer } = {},
) =>
  fetch(`http://127.0.0.1:${(init.to ?? server).port}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

export const parkedCount = async () => (await deadLetters.search('ledger', {}, { limit: 1 })).total;
export const idsOf = async (events: OrderCompleted[]) => {
  const { items } = await deadLetters.search('ledger', {}, { limit: 500 });
  return events.map((event) => items.find(({ messageId }) => messageId === event.id)!.id);
};

/** Parks events in the ledger's DLQ as the consumer does, and waits until the drain stored them. */
export async function park(events: OrderCompleted[], error: string) {
  const before = await parkedCount();
  for (const event of events) {
    inspector.channel.sendToQueue(ledger().deadLetterQueue, Buffer.from(JSON.stringify(event)), {
      messageId: event.id,
      type: event.type,
      persistent: true,
      headers: {
        [HEADERS.correlationId]: event.correlationId,
        [HEADERS.attempt]: 3,
        [HEADERS.lastError]: error,
        [HEADERS.deadLetterReason]: 'retries-exhausted',
        [HEADERS.deadLetteredAt]: new Date().toISOString(),
      },
    });
  }
  await waitFor('stored', async () => (await parkedCount()) === before + events.length);
}

const serve = (token: string | undefined) =>
  startHttpServer(
    createHttpApp({
      logger: testLogger(),
      readiness: async () => ({}),
      errors: SHOP_ERRORS,
      // Only the dead-letter routes are mounted here, so the document describes only them.
      api: { ...OPERATIONS_API, routes: DEAD_LETTER_ROUTES },
      routes: (app) => app.use(deadLetterRoutes(deadLetters, token)),
    }),
    0,
    testLogger(),
  );

export function useDeadLetterAdminApi() {
  beforeAll(async () => {
    topology = testTopology(uniquePrefix('dlq-admin'), [
      { service: 'ledger', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    inspector = await QueueInspector.open();
    // Declares the queues; nothing consumes them, so replays can be inspected.
    broker = await Broker.connect({ url: amqpUrl(), topology, logger: testLogger() });
    prisma = createPrismaClient(databaseUrl(), { poolSize: 2 });
    deadLetters = new DeadLetters(
      broker,
      new DeadLetterStore(prisma, {
        deadLetters: 'operations.dead_letters',
        audit: 'operations.dead_letter_actions',
      }),
      'orderId',
    );
    deadLetters.startDrain(testLogger());
    server = await serve(TOKEN);
    serverWithoutToken = await serve(undefined);
  });

  beforeEach(async () => {
    await prisma.$executeRawUnsafe(
      'DELETE FROM operations.dead_letters WHERE queue = $1',
      ledger().deadLetterQueue,
    );
    await inspector.channel.purgeQueue(ledger().workQueue);
  });

  afterAll(async () => {
    await server.close();
    await serverWithoutToken.close();
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
    await prisma.$disconnect();
  });
}
