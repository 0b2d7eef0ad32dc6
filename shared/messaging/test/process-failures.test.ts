import { join } from 'node:path';
import { Broker, HEADERS, type Topology } from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { ChildProcessHandle } from '../../../test/child-process';
import { anOrderCompletedEvent } from '../../../test/order-events';
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
 * Consumers as separate processes that die (SIGKILL), crash on every message,
 * or are asked to stop (SIGTERM), against the real broker and database.
 */

const FIXTURE = join(__dirname, 'fixtures', 'consumer-process.ts');
const DELIVERY_LIMIT = 2;

describe('consumer processes that die or stop', () => {
  let prisma: PrismaClient;
  let inspector: QueueInspector;
  let prefix: string;
  let topology: Topology;
  let publisher: Broker;
  const children: ChildProcessHandle[] = [];

  const startConsumer = (env: Record<string, string> = {}) => {
    const child = ChildProcessHandle.start(FIXTURE, {
      QUEUE_PREFIX: prefix,
      RETRY_DELAYS: '200ms,400ms',
      DELIVERY_LIMIT: String(DELIVERY_LIMIT),
      ...env,
    });
    children.push(child);
    return child;
  };
  const effectsFor = async (orderId: string) =>
    prisma.$queryRaw<{ pid: number }[]>`SELECT pid FROM fixture_effects WHERE order_id = ${orderId}::uuid`;

  beforeAll(async () => {
    prisma = createPrismaClient(databaseUrl());
    await prisma.$executeRawUnsafe(
      'CREATE TABLE IF NOT EXISTS fixture_effects (order_id uuid NOT NULL, pid int NOT NULL, handled_at timestamptz NOT NULL DEFAULT now())',
    );
    inspector = await QueueInspector.open();
  });

  beforeEach(async () => {
    prefix = uniquePrefix('processes');
    topology = testTopology(
      prefix,
      [{ service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] }],
      { deliveryLimit: DELIVERY_LIMIT },
    );
    publisher = await Broker.connect({ url: amqpUrl(), topology, logger: testLogger() });
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill('SIGKILL')));
    await publisher.close();
    await inspector.deleteTopology(topology);
  });

  afterAll(async () => {
    await inspector.close();
    await prisma.$disconnect();
  });

  test('When a consumer is killed in the middle of a handler, then the next consumer completes the message once', async () => {
    const doomed = startConsumer({ FIXTURE_HANDLER_MS: '60000' });
    await doomed.waitForLine('ready');
    const event = anOrderCompletedEvent();
    await publisher.publish(event);
    await doomed.waitForLine(`started ${event.data.orderId}`);

    expect(await doomed.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await effectsFor(event.data.orderId)).toHaveLength(0);

    const survivor = startConsumer();
    await survivor.waitForLine(`handled ${event.data.orderId}`);
    expect(await effectsFor(event.data.orderId)).toEqual([{ pid: survivor.pid }]);
    const { workQueue, deadLetterQueue } = topology.services[0]!;
    expect(await inspector.depth(deadLetterQueue)).toBe(0);
    expect(await survivor.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await inspector.depth(workQueue)).toBe(0);
  });

  test('When a handler crashes the process every time, then the message ends in the DLQ through the delivery limit', async () => {
    const event = anOrderCompletedEvent();
    let crashes = 0;
    let parked: Awaited<ReturnType<QueueInspector['drain']>> = [];
    const { deadLetterQueue } = topology.services[0]!;
    // A supervisor restarting a crashing service, as Docker or Kubernetes would. Bounded.
    for (let start = 0; start < 6 && parked.length === 0; start++) {
      const consumer = startConsumer({ FIXTURE_BEHAVIOUR: 'crash' });
      await consumer.waitForLine('ready');
      if (start === 0) await publisher.publish(event);
      const ended = await waitFor('the consumer to crash or park the message', async () => {
        if (consumer.hasExited) return 'crashed';
        return (await inspector.depth(deadLetterQueue)) > 0 && 'parked';
      });
      if (ended === 'crashed') crashes++;
      else parked = await inspector.drain(deadLetterQueue);
    }

    expect(crashes).toBe(DELIVERY_LIMIT);
    expect(parked).toHaveLength(1);
    expect(parked[0]!.properties.messageId).toBe(event.id);
    expect(parked[0]!.properties.headers?.[HEADERS.deadLetterReason]).toBe('delivery-limit');
    expect(parked[0]!.properties.headers?.[HEADERS.lastError]).toContain('without an outcome');
  });

  test('When SIGTERM arrives during processing, then in-flight messages finish and are acked and the process exits 0', async () => {
    const consumer = startConsumer({ FIXTURE_HANDLER_MS: '1500', PREFETCH: '5' });
    await consumer.waitForLine('ready');
    const events = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    for (const event of events) await publisher.publish(event);
    for (const event of events) await consumer.waitForLine(`started ${event.data.orderId}`);

    const exit = await consumer.kill('SIGTERM');

    expect(exit).toEqual({ code: 0, signal: null });
    for (const event of events) expect(await effectsFor(event.data.orderId)).toEqual([{ pid: consumer.pid }]);
    // Anything left unacked would have returned to the queue when the process closed its connection.
    const { workQueue, deadLetterQueue } = topology.services[0]!;
    expect(await inspector.depth(workQueue)).toBe(0);
    expect(await inspector.depth(deadLetterQueue)).toBe(0);
  });
});
