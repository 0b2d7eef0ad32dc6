import { Broker, HEADERS, type Topology } from '@shared/messaging';
import { DeadLetterStore, DeadLetters } from '@shared/operations';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../test/order-events';
import {
  amqpUrl,
  databaseUrl,
  QueueInspector,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/**
 * What the dead-letter store tests share, against the real broker and
 * database. Messages are parked by publishing them straight into a DLQ with
 * the headers the consumer writes; the drain moves them into the store.
 * "mailer" has a live subscription (replays are counted as it handles them);
 * "ledger" has none, so its work queue can be inspected. `useDeadLetterStore`
 * starts it all before the file's tests; the bindings below hold it meanwhile
 * (each test file is a module registry of its own).
 */

export const SMTP_DOWN = 'connect ECONNREFUSED 127.0.0.1:2525';
export const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
export const FAST = 500;
const TABLES = { deadLetters: 'operations.dead_letters', audit: 'operations.dead_letter_actions' };

export let topology: Topology;
export let broker: Broker;
export let inspector: QueueInspector;
export let prisma: PrismaClient;
export let store: DeadLetterStore;
export let deadLetters: DeadLetters;

/** Every delivery the mailer's handler received: event id and attempt. */
export const handled: { id: string; attempt: number }[] = [];

export const queuesOf = (service: string) => topology.services.find((queues) => queues.service === service)!;
export const dlqOf = (service: string) => queuesOf(service).deadLetterQueue;
export const parkedIn = async (service: string) =>
  (await deadLetters.search(service, {}, { limit: 500 })).items;

/** Publishes events into `service`'s DLQ as the consumer parks them after the given failure. */
export function publishParked(
  service: string,
  events: OrderCompleted[],
  {
    error = SMTP_DOWN,
    code = 'ECONNREFUSED',
    parkedAt = new Date(),
    reason = 'retries-exhausted',
  }: { error?: string; code?: string; parkedAt?: Date; reason?: string } = {},
) {
  for (const event of events) {
    inspector.channel.sendToQueue(dlqOf(service), Buffer.from(JSON.stringify(event)), {
      messageId: event.id,
      type: event.type,
      contentType: 'application/json',
      persistent: true,
      headers: {
        [HEADERS.correlationId]: event.correlationId,
        traceparent: TRACE,
        [HEADERS.attempt]: 3,
        [HEADERS.firstFailureAt]: new Date(parkedAt.getTime() - 1_000).toISOString(),
        [HEADERS.lastError]: error,
        [HEADERS.lastErrorCode]: code,
        [HEADERS.deadLetterReason]: reason,
        [HEADERS.deadLetteredAt]: parkedAt.toISOString(),
        [HEADERS.deadLetteredBy]: service,
      },
    });
  }
}

/** Parks events and waits until the drain has them all in the store. */
export async function park(
  service: string,
  events: OrderCompleted[],
  options?: Parameters<typeof publishParked>[2],
) {
  const before = (await parkedIn(service)).length;
  publishParked(service, events, options);
  await waitFor(
    'the drain stored them',
    async () => (await parkedIn(service)).length === before + events.length,
  );
}

export const events = (count: number) => Array.from({ length: count }, () => anOrderCompletedEvent());
export const sorted = (list: string[]) => [...list].sort();
export const auditOf = (deadLetterIds: string[]) =>
  prisma.deadLetterAction.findMany({ where: { deadLetterId: { in: deadLetterIds } } });

export function useDeadLetterStore() {
  beforeAll(async () => {
    const routingKeys = [OrderCompletedV1.routingKey];
    topology = testTopology(uniquePrefix('dead-letters'), [
      { service: 'mailer', queue: 'order-completed', routingKeys },
      { service: 'ledger', queue: 'order-completed', routingKeys },
    ]);
    inspector = await QueueInspector.open();
    prisma = createPrismaClient(databaseUrl(), { poolSize: 4 });
    store = new DeadLetterStore(prisma, TABLES);
    broker = await Broker.connect({ url: amqpUrl(), topology, service: 'mailer', logger: testLogger() });
    broker.subscribe({
      service: 'mailer',
      contracts: [OrderCompletedV1],
      handler: async (event, { attempt }) => {
        handled.push({ id: event.id, attempt });
      },
    });
    deadLetters = new DeadLetters(broker, store, 'orderId');
    deadLetters.startDrain(testLogger());
  });

  beforeEach(async () => {
    handled.length = 0;
    await prisma.$executeRawUnsafe(
      'DELETE FROM operations.dead_letters WHERE queue = ANY($1::text[])',
      topology.services.map(({ deadLetterQueue }) => deadLetterQueue),
    );
    for (const queues of topology.services) await inspector.channel.purgeQueue(queues.workQueue);
  });

  afterAll(async () => {
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
    await prisma.$disconnect();
  });
}
