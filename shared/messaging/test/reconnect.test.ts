import { Broker, type Topology } from '@shared/messaging';
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
import { TcpProxy } from '../../../test/tcp-proxy';

/**
 * The connection to RabbitMQ drops in the middle of a stream of publishes
 * and deliveries. Publishing and consuming resume on their own, and every
 * message the broker confirmed is consumed.
 */
describe('broker connection loss', () => {
  let proxy: TcpProxy;
  let topology: Topology;
  let inspector: QueueInspector;

  beforeAll(async () => {
    const broker = new URL(amqpUrl());
    proxy = await TcpProxy.start(broker.hostname, Number(broker.port || 5672));
    topology = testTopology(uniquePrefix('reconnect'), [
      { service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    inspector = await QueueInspector.open();
  });

  afterAll(async () => {
    await proxy.stop();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When the connection drops mid-stream, then publishing and consuming resume and every confirmed message is consumed', async () => {
    const options = { url: proxy.rewrite(amqpUrl()), topology, logger: testLogger() };
    const publisher = await Broker.connect(options);
    const consumer = await Broker.connect({ ...options, service: 'worker' });
    const consumed = new Set<string>();
    consumer.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      handler: async (event) => {
        await sleep(2);
        consumed.add(event.id);
      },
    });

    const confirmed: string[] = [];
    let failedPublishes = 0;
    const total = 300;
    const publishing = (async () => {
      while (confirmed.length < total) {
        const event = anOrderCompletedEvent();
        // Like the outbox relay: a publish that was not confirmed is tried again later.
        for (;;) {
          try {
            await publisher.publish(event);
            confirmed.push(event.id);
            break;
          } catch {
            failedPublishes++;
            await sleep(100);
          }
        }
      }
    })();

    await waitFor('a third of the stream published', () => confirmed.length >= total / 3);
    proxy.cut();
    await sleep(1_000);
    expect(publisher.connected).toBe(false);
    proxy.restore();

    await publishing;
    await waitFor(
      'every confirmed message consumed',
      () => confirmed.every((id) => consumed.has(id)),
      30_000,
    );
    expect(failedPublishes).toBeGreaterThan(0);
    expect(publisher.connected).toBe(true);
    expect(await inspector.depth(topology.services[0]!.deadLetterQueue)).toBe(0);

    await consumer.close();
    await publisher.close();
  });

  test('When the broker closes a connection as soon as it is open, then the broker reconnects and the process lives', async () => {
    // The server's first three frames of a connection: connection.start, connection.tune and
    // connection.open-ok. A frame is type (1 byte), channel (2), size (4), payload, end (1).
    const frames = (bytes: Buffer) => {
      let count = 0;
      for (let at = 0; at + 7 <= bytes.length; count++) {
        const end = at + 7 + bytes.readUInt32BE(at + 3) + 1;
        if (end > bytes.length) break;
        at = end;
      }
      return count;
    };
    const crashes: Error[] = [];
    const onCrash = (error: Error) => crashes.push(error);
    process.on('uncaughtException', onCrash);
    try {
      // The connection's set-up (channels, topology) is under way when the socket ends.
      proxy.endNextConnectionWhen((fromServer) => frames(fromServer) >= 3);
      const broker = await Broker.connect({
        url: proxy.rewrite(amqpUrl()),
        topology,
        logger: testLogger(),
        service: 'worker',
      });
      await waitFor('connected after the lost set-up', () => broker.connected);
      await broker.publish(anOrderCompletedEvent());
      await broker.close();
      expect(crashes).toEqual([]);
    } finally {
      process.removeListener('uncaughtException', onCrash);
    }
  });
});
