import { Broker, type ConsumerHandle, HEADERS, type Topology } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  amqpUrl,
  QueueInspector,
  sleep,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/**
 * A replica that holds (an operator's pause, an open circuit) cancels its
 * consumer. The deliveries the broker had already handed it must not stay
 * parked in it: the broker would go on counting it as a consumer of the
 * queue, and the messages would be invisible in the queue's depth for as
 * long as the hold lasts.
 */
describe('a holding consumer', () => {
  let topology: Topology;
  let broker: Broker;
  let inspector: QueueInspector;
  let consumer: ConsumerHandle;
  const handled: { orderId: string; attempt: number }[] = [];
  /** Deliveries wait here for a turn, as under a rate limit, until the test lets them go. */
  let letGo: () => void = () => {};
  let turns = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  let waitingForTurn = 0;

  beforeAll(async () => {
    topology = testTopology(uniquePrefix('consumer-hold'), [
      { service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    inspector = await QueueInspector.open();
    broker = await Broker.connect({
      url: amqpUrl(),
      topology,
      service: 'worker',
      logger: testLogger(),
      prefetch: 5,
    });
    consumer = broker.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      rateLimiter: {
        acquire: async () => {
          waitingForTurn++;
          await turns;
          waitingForTurn--;
          return Date.now();
        },
      },
      handler: async (event, { attempt }) => {
        handled.push({ orderId: event.data.orderId, attempt });
      },
    });
  });

  afterAll(async () => {
    letGo();
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When it holds with deliveries in hand, then they go back to the queue unhandled, the broker counts no consumer, and on resume each is handled once at its first attempt', async () => {
    const { workQueue } = topology.services[0]!;
    const events = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    for (const event of events) await broker.publish(event);
    await waitFor('three deliveries in hand', () => waitingForTurn === 3);

    consumer.setMode('hold');
    letGo();
    await waitFor('the three back in the queue', async () => (await inspector.depth(workQueue)) === 3);
    await waitFor(
      'no consumer counted',
      async () => (await inspector.channel.checkQueue(workQueue)).consumerCount === 0,
      3_000,
    );
    expect(handled).toHaveLength(0);

    // As they came: no attempt spent, no delivery counted against the limit.
    const returned = await inspector.drain(workQueue);
    for (const message of returned) {
      const headers = message.properties.headers ?? {};
      expect(headers[HEADERS.attempt] ?? 1).toBe(1);
      expect(headers['x-delivery-count'] ?? 0).toBe(0);
      inspector.channel.sendToQueue(workQueue, message.content, message.properties);
    }
    expect(returned.map((message) => message.properties.messageId).sort()).toEqual(
      events.map((event) => event.id).sort(),
    );

    turns = Promise.resolve();
    consumer.setMode('consume');
    await waitFor('three handled', () => handled.length === 3);
    await sleep(300);
    expect(handled.map(({ orderId }) => orderId).sort()).toEqual(
      events.map((event) => event.data.orderId).sort(),
    );
    expect(handled.every(({ attempt }) => attempt === 1)).toBe(true);
  });
});
