import { Broker, HEADERS, type Topology } from '@shared/messaging';
import { QueueCensus } from '@shared/operations';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  amqpUrl,
  QueueInspector,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/**
 * The census the dashboard and every service's /metrics read every second:
 * counts from the broker, retry tiers that do not exist yet, and not one
 * message touched (a read would count as a delivery).
 */
describe('queue census', () => {
  let topology: Topology;
  let broker: Broker;
  let inspector: QueueInspector;

  beforeAll(async () => {
    topology = testTopology(uniquePrefix('census'), [
      { service: 'ledger', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    inspector = await QueueInspector.open();
    // No service: declares work queues and DLQs only, as a process that only reads does.
    broker = await Broker.connect({ url: amqpUrl(), topology, logger: testLogger() });
  });

  afterAll(async () => {
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When messages wait and are parked, then the census counts them, reports absent retry tiers as unknown, and 50 counts deliver no message', async () => {
    const [queues] = topology.services;
    for (const at of ['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:05.000Z']) {
      const event = anOrderCompletedEvent();
      inspector.channel.sendToQueue(queues!.deadLetterQueue, Buffer.from(JSON.stringify(event)), {
        messageId: event.id,
        headers: { [HEADERS.deadLetteredAt]: at },
      });
    }
    inspector.channel.sendToQueue(queues!.workQueue, Buffer.from('{}'));
    await waitFor('parked', async () => (await inspector.depth(queues!.deadLetterQueue)) === 2);
    await waitFor('waiting', async () => (await inspector.depth(queues!.workQueue)) === 1);
    const census = new QueueCensus(broker);

    const [first] = await census.count();
    for (let count = 0; count < 50; count += 1) await census.count();

    expect(first).toEqual({
      service: 'ledger',
      work: { queue: queues!.workQueue, messages: 1, consumers: 0 },
      retries: queues!.retryQueues.map(({ name, tier }) => ({
        queue: name,
        tier: tier.label,
        messages: null,
        consumers: null,
      })),
      deadLetter: { queue: queues!.deadLetterQueue, messages: 2, consumers: 0 },
    });
    // A quorum queue counts every delivery of a message in its x-delivery-count header; these
    // were never delivered before this take.
    const parked = await inspector.take(queues!.deadLetterQueue, 2);
    expect(parked.map((message) => message.properties.headers?.[HEADERS.deliveryCount] ?? 0)).toEqual([0, 0]);
  });
});
