import { connect, type Message } from 'amqplib';
import { amqpUrl, sleep, waitFor } from '../../../test/support';
import {
  channel,
  EXPECTED,
  expectedOrder,
  line,
  publish,
  quorumQueue,
  useBrokerUnderTest,
  version,
} from './broker-versions-fixture';

/**
 * The RabbitMQ behaviours this project depends on (broker-versions-fixture.ts
 * says why and where they were measured): the order quorum queues deliver
 * priorities in, and global prefetch.
 */

useBrokerUnderTest();

describe('the RabbitMQ behaviours this project depends on, on the broker under test', () => {
  test('When messages of mixed priorities wait in a quorum queue, then 3.x delivers them in order, 4.0-4.2 two high (5+) for each normal one, and 4.3+ strictly by priority', async () => {
    const queue = await quorumQueue('priorities');
    const published: (number | undefined)[] = [];
    for (let round = 0; round < 3; round++) published.push(undefined, 0, 1, 4, 5, 9);
    for (const [index, priority] of published.entries()) {
      channel.sendToQueue(queue, Buffer.from(String(index)), priority === undefined ? {} : { priority });
    }
    await waitFor(
      'every message',
      async () => (await channel.checkQueue(queue)).messageCount === published.length,
    );

    const delivered: (number | undefined)[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      delivered.push(published[Number(message.content.toString())]);
    }

    expect({ version, delivered }).toEqual({ version, delivered: expectedOrder(published) });
  });

  test('When a channel with a global prefetch consumes from a quorum queue, then 3.x to 4.2 close the connection (540) and 4.3+ applies the prefetch per consumer', async () => {
    const queue = await quorumQueue('global-qos');
    for (const body of ['1', '2', '3']) await publish(queue, body);
    const consumer = await connect(amqpUrl());
    const closed = new Promise<Error>((resolve) => consumer.on('error', resolve));
    const consumerChannel = await consumer.createChannel();
    consumerChannel.on('error', () => {});
    await consumerChannel.prefetch(1, true);
    const deliveries: Message[] = [];
    void consumerChannel.consume(queue, (message) => message && deliveries.push(message)).catch(() => {});
    const outcome = await Promise.race([
      closed.then((error) => error.message),
      sleep(1_000).then(() => undefined),
    ]);
    if (!outcome) await consumer.close();

    expect({ version, refused: outcome, deliveries: deliveries.length }).toEqual({
      version,
      ...(EXPECTED[line].globalQos === 'refused'
        ? { refused: expect.stringMatching(/540 .*does not support global qos/), deliveries: 0 }
        : { refused: undefined, deliveries: 1 }),
    });
  });
});
