import { Broker, TOPOLOGY_CONFLICT } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import {
  amqpUrl,
  QueueInspector,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

describe('a queue declared earlier with other arguments', () => {
  test('When a process meets it, then it stops with an explanation naming the queue instead of reconnecting forever', async () => {
    const prefix = uniquePrefix('conflict');
    const consumers = [
      { service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ];
    const first = await Broker.connect({
      url: amqpUrl(),
      topology: testTopology(prefix, consumers, { deliveryLimit: 5 }),
      logger: testLogger(),
    });
    await first.close();

    const fatal: Error[] = [];
    const changed = testTopology(prefix, consumers, { deliveryLimit: 9 });
    await Broker.connect({
      url: amqpUrl(),
      topology: changed,
      logger: testLogger(),
      waitForConnection: false,
      onFatal: (error) => fatal.push(error),
    });

    const [error] = await waitFor('the fatal error', () => fatal.length > 0 && fatal);
    expect((error as { code?: string }).code).toBe(TOPOLOGY_CONFLICT);
    expect(error!.message).toContain(`${prefix}worker.order-completed`);
    expect(error!.message).toContain('x-delivery-limit');

    const inspector = await QueueInspector.open();
    await inspector.deleteTopology(changed);
    await inspector.close();
  });
});
