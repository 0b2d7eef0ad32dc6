import {
  Broker,
  defineEvent,
  defineRegistry,
  type EventEnvelope,
  HEADERS,
  OutcomeReporter,
  registryTopology,
  type Topology,
} from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { z } from 'zod';
import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  amqpUrl,
  QueueInspector,
  sleep,
  testLogger,
  tiers,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/**
 * What the runtime reports, and when it must not: a republish that failed is
 * not announced; crash-loop parks and the broker's own dead letters are; and
 * a consumer the broker cancels comes back instead of dying silently.
 */

const WorkDoneV1 = defineEvent({
  type: 'worker.work.done',
  version: 1,
  summary: "The worker's task is done",
  description: "The test worker's completed task",
  data: z.object({ orderId: z.uuid(), attempt: z.number().int().positive() }),
});
const registry = defineRegistry({
  subject: { key: 'orderId', schema: z.uuid() },
  consumers: {
    worker: { queue: 'order-completed', consumes: [OrderCompletedV1], task: 'work', completed: WorkDoneV1 },
  },
  projector: { service: 'shop', queue: 'task-outcomes' },
});

describe('reports and cancels', () => {
  let topology: Topology;
  let broker: Broker;
  let inspector: QueueInspector;
  const outcomes: EventEnvelope[] = [];
  /** Per order: whether its handler fails (retryable), and how often it ran. */
  const failing = new Set<string>();
  const runs = new Map<string, number>();

  const worker = () => topology.services.find(({ service }) => service === 'worker')!;
  const shopQueue = () => topology.services.find(({ service }) => service === 'shop')!.workQueue;
  async function outcomesFor(orderId: string) {
    for (const message of await inspector.drain(shopQueue()))
      outcomes.push(JSON.parse(message.content.toString()));
    return outcomes.filter((event) => (event.data as { orderId: string }).orderId === orderId);
  }

  beforeAll(async () => {
    topology = registryTopology(registry, {
      AMQP_URL: [amqpUrl()],
      QUEUE_PREFIX: uniquePrefix('reports'),
      RETRY_DELAYS: tiers('100ms'),
      DELIVERY_LIMIT: 3,
      PREFETCH: 5,
      HANDLER_TIMEOUT_MS: 5_000,
    });
    inspector = await QueueInspector.open();
    broker = await Broker.connect({ url: amqpUrl(), topology, service: 'worker', logger: testLogger() });
    broker.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      reporter: new OutcomeReporter(registry, 'worker'),
      handler: async (event) => {
        runs.set(event.data.orderId, (runs.get(event.data.orderId) ?? 0) + 1);
        if (failing.has(event.data.orderId)) throw new Error('downstream unavailable');
        return {};
      },
    });
  });

  afterAll(async () => {
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When the republish to a retry tier fails, then no failure is reported; the delivery comes back, and at the delivery limit it is parked and reported', async () => {
    const event = anOrderCompletedEvent();
    failing.add(event.data.orderId);
    // Without its retry queue, the move to the tier is refused (unroutable).
    await inspector.channel.deleteQueue(worker().retryQueues[0]!.name);

    await broker.publish(event);

    const [parked] = await inspector.take(worker().deadLetterQueue, 1);
    expect(parked!.properties.headers?.[HEADERS.deadLetterReason]).toBe('delivery-limit');
    expect(runs.get(event.data.orderId)).toBe(3);
    const reported = await waitFor('the dead-lettered report', async () => {
      const found = await outcomesFor(event.data.orderId);
      return found.some((outcome) => outcome.type === 'worker.task.dead-lettered') && found;
    });
    expect(reported.map((outcome) => outcome.type)).toEqual(['worker.task.dead-lettered']);
    expect(reported[0]!.data).toMatchObject({
      reason: 'delivery-limit',
      attempt: 1,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
  });

  test('When RabbitMQ dead-letters a message on its own, then the consumer reports it, and the message waits in the DLQ', async () => {
    const event = anOrderCompletedEvent();
    // What the broker does at its delivery limit: the message goes to the DLX with its x-death headers.
    inspector.channel.publish(worker().deadLetterExchange, '', Buffer.from(JSON.stringify(event)), {
      messageId: event.id,
      persistent: true,
      headers: {
        'x-first-death-reason': 'delivery_limit',
        [HEADERS.deliveryCount]: 5,
        [HEADERS.attempt]: 2,
        [HEADERS.priorAttempts]: 3,
      },
    });

    const [report] = await waitFor('the report', async () => {
      const found = await outcomesFor(event.data.orderId);
      return found.length > 0 && found;
    });
    // Its attempt counts the three made before a replay from the DLQ.
    expect(report).toMatchObject({
      type: 'worker.task.dead-lettered',
      data: {
        orderId: event.data.orderId,
        reason: 'delivery-limit',
        attempt: 5,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      },
    });
    expect((report!.data as { error: string }).error).toBe(
      'dead-lettered by RabbitMQ (delivery_limit after 6 deliveries)',
    );
    const [parked] = await inspector.take(worker().deadLetterQueue, 1);
    expect(parked!.properties.messageId).toBe(event.id);
    expect(await inspector.depth(worker().brokerDeadLetterQueue!)).toBe(0);
  });

  test('When the broker cancels the consumer (its queue deleted), then consuming resumes on a queue declared again, and the next event is handled', async () => {
    await inspector.channel.deleteQueue(worker().workQueue);
    await waitFor('the consumer to be cancelled and come back', async () => {
      await sleep(100);
      return broker.consuming;
    });
    const event = anOrderCompletedEvent();

    await waitFor(
      'the event published and handled',
      async () => {
        if (!runs.has(event.data.orderId)) await broker.publish(event).catch(() => {});
        await sleep(100);
        return runs.get(event.data.orderId) === 1;
      },
      15_000,
    );
    expect(await outcomesFor(event.data.orderId)).toEqual([
      expect.objectContaining({ type: 'worker.work.done' }),
    ]);
  });
});
