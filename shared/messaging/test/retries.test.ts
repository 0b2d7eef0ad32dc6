import { permanentError } from '@shared/core/errors';
import { Broker, HEADERS, type Topology } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../test/order-events';
import {
  amqpUrl,
  QueueInspector,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/**
 * The consumer runtime against the real broker: retry tiers, exhausted
 * retries, poison messages and permanent errors.
 */

describe('consumer retries and dead letters', () => {
  let topology: Topology;
  let broker: Broker;
  let inspector: QueueInspector;
  /** Attempt times per order id, in arrival order. */
  const attempts = new Map<string, number[]>();
  /** How each order's handler behaves: the attempts (1-based) on which it throws. */
  const behaviour = new Map<string, (attempt: number) => void>();

  const queues = () => topology.services[0]!;
  const attemptsOf = (event: OrderCompleted) => attempts.get(event.data.orderId) ?? [];

  beforeAll(async () => {
    topology = testTopology(
      uniquePrefix('retries'),
      [{ service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] }],
      { retryDelays: '200ms,2s' },
    );
    inspector = await QueueInspector.open();
    broker = await Broker.connect({ url: amqpUrl(), topology, service: 'worker', logger: testLogger() });
    broker.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      handler: async (event, { attempt }) => {
        attempts.set(event.data.orderId, [...attemptsOf(event), Date.now()]);
        behaviour.get(event.data.orderId)?.(attempt);
      },
    });
  });

  afterAll(async () => {
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When a handler fails twice then succeeds, then it runs three times and waits the tiers in between', async () => {
    const event = anOrderCompletedEvent();
    behaviour.set(event.data.orderId, (attempt) => {
      if (attempt <= 2) throw new Error(`flaky failure ${attempt}`);
    });

    await broker.publish(event);

    const times = await waitFor(
      'three attempts',
      () => attemptsOf(event).length === 3 && attemptsOf(event),
      10_000,
    );
    const [first, second, third] = times as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(200);
    expect(second - first).toBeLessThan(1_500);
    expect(third - second).toBeGreaterThanOrEqual(2_000);
    expect(third - second).toBeLessThan(4_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attemptsOf(event)).toHaveLength(3);
    expect(await inspector.depth(queues().deadLetterQueue)).toBe(0);
  });

  test('When a 200 ms retry and a 2 s retry wait at once, then the 200 ms one is not held behind the 2 s one', async () => {
    const slow = anOrderCompletedEvent();
    const fast = anOrderCompletedEvent();
    behaviour.set(slow.data.orderId, (attempt) => {
      if (attempt <= 2) throw new Error('slow lane');
    });
    behaviour.set(fast.data.orderId, (attempt) => {
      if (attempt === 1) throw new Error('fast lane');
    });

    await broker.publish(slow);
    // Once the slow message waits in the 2 s tier, send the fast one into the 200 ms tier.
    await waitFor('slow message in the 2 s tier', () => attemptsOf(slow).length === 2);
    await broker.publish(fast);

    await waitFor(
      'both handled',
      () => attemptsOf(slow).length === 3 && attemptsOf(fast).length === 2,
      10_000,
    );
    const [fastFirst, fastSecond] = attemptsOf(fast) as [number, number];
    const slowThird = attemptsOf(slow)[2]!;
    expect(fastSecond - fastFirst).toBeLessThan(1_500);
    expect(fastSecond).toBeLessThan(slowThird);
  });

  test('When a handler always fails, then the message reaches the DLQ after tiers + 1 attempts with the last error', async () => {
    const event = anOrderCompletedEvent();
    behaviour.set(event.data.orderId, (attempt) => {
      throw new Error(`SMTP said no on attempt ${attempt}`);
    });

    await broker.publish(event);

    const [parked] = await inspector.take(queues().deadLetterQueue, 1, 10_000);
    expect(attemptsOf(event)).toHaveLength(3);
    const headers = parked!.properties.headers ?? {};
    expect(headers[HEADERS.attempt]).toBe(3);
    expect(headers[HEADERS.deadLetterReason]).toBe('retries-exhausted');
    expect(headers[HEADERS.lastError]).toBe('SMTP said no on attempt 3');
    expect(headers[HEADERS.firstFailureAt]).toEqual(expect.any(String));
    expect(headers[HEADERS.correlationId]).toBe(event.correlationId);
    expect(parked!.properties.messageId).toBe(event.id);
    expect(JSON.parse(parked!.content.toString())).toEqual(event);
  });

  test('When a handler throws a permanent error, then the message goes to the DLQ on the first attempt', async () => {
    const event = anOrderCompletedEvent();
    behaviour.set(event.data.orderId, () => {
      throw permanentError('EMAIL.ADDRESS_REJECTED', '550 no such user');
    });

    await broker.publish(event);

    const [parked] = await inspector.take(queues().deadLetterQueue, 1);
    expect(attemptsOf(event)).toHaveLength(1);
    expect(parked!.properties.headers?.[HEADERS.deadLetterReason]).toBe('permanent-error');
    expect(parked!.properties.headers?.[HEADERS.lastErrorCode]).toBe('EMAIL.ADDRESS_REJECTED');
    expect(parked!.properties.headers?.[HEADERS.lastError]).toBe('550 no such user');
  });

  test('When malformed JSON and a schema-invalid event arrive, then both go to the DLQ at once with the reason and consuming goes on', async () => {
    const { eventsExchange } = topology;
    const invalid = { ...anOrderCompletedEvent(), data: { orderId: 'not-a-uuid' } };
    inspector.publishRaw(eventsExchange, OrderCompletedV1.routingKey, Buffer.from('{"id": oops'));
    inspector.publishRaw(eventsExchange, OrderCompletedV1.routingKey, Buffer.from(JSON.stringify(invalid)));
    const healthy = anOrderCompletedEvent();
    await broker.publish(healthy);

    const parked = await inspector.take(queues().deadLetterQueue, 2);
    const reasons = parked.map((message) => message.properties.headers?.[HEADERS.deadLetterReason]).sort();
    expect(reasons).toEqual(['malformed-json', 'schema-invalid']);
    const schemaError = parked.find(
      (m) => m.properties.headers?.[HEADERS.deadLetterReason] === 'schema-invalid',
    );
    expect(schemaError!.properties.headers?.[HEADERS.lastError]).toContain('data.orderId');
    expect(parked.every((message) => message.properties.headers?.[HEADERS.attempt] === 1)).toBe(true);
    await waitFor('the healthy event handled', () => attemptsOf(healthy).length === 1);
  });
});
