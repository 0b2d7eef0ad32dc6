import { type Channel, connect, type Message } from 'amqplib';
import { amqpUrl, waitFor } from '../../../test/support';
import { TcpProxy } from '../../../test/tcp-proxy';
import {
  channel,
  connection,
  counters,
  deadLetterExchangeTo,
  EXPECTED,
  firstDeath,
  line,
  prefix,
  publish,
  quorumQueue,
  RETURNS_WITHOUT_LIMIT,
  returnUntilGone,
  takeAndReturn,
  useBrokerUnderTest,
  version,
} from './broker-versions-fixture';

/**
 * The RabbitMQ behaviours this project depends on (broker-versions-fixture.ts
 * says why and where they were measured): how each version counts returned
 * messages against the delivery limit, and what it does at the limit.
 */

useBrokerUnderTest();

describe('the RabbitMQ behaviours this project depends on, on the broker under test', () => {
  test('When a quorum queue without x-delivery-limit or dead-letter exchange keeps getting a message back, then 3.x keeps it and 4.x drops it after the 20th return', async () => {
    const queue = await quorumQueue('default-limit');
    await publish(queue, 'returned');

    const limit = EXPECTED[line].defaultDeliveryLimit;
    const outcome = await returnUntilGone(queue, RETURNS_WITHOUT_LIMIT);

    expect({ version, ...outcome }).toEqual({
      version,
      ...(limit === undefined
        ? { deliveries: RETURNS_WITHOUT_LIMIT, depth: 1 }
        : { deliveries: limit + 1, depth: 0 }),
    });
  });

  test('When such a queue has a dead-letter exchange, then 4.x dead-letters the message at its default limit, with reason delivery_limit', async () => {
    const parked = await quorumQueue('default-limit-parked');
    const exchange = await deadLetterExchangeTo('default-limit-dlx', parked);
    const queue = await quorumQueue('default-limit-dlx-source', { 'x-dead-letter-exchange': exchange });
    await publish(queue, 'returned');

    const limit = EXPECTED[line].defaultDeliveryLimit;
    const outcome = await returnUntilGone(queue, RETURNS_WITHOUT_LIMIT);
    if (limit !== undefined)
      await waitFor(
        'the dead-lettered message',
        async () => (await channel.checkQueue(parked)).messageCount > 0,
      );
    const death = firstDeath(await channel.get(parked, { noAck: true }));

    expect({ version, ...outcome, death: death && { queue: death.queue, reason: death.reason } }).toEqual({
      version,
      ...(limit === undefined
        ? { deliveries: RETURNS_WITHOUT_LIMIT, depth: 1, death: undefined }
        : { deliveries: limit + 1, depth: 0, death: { queue, reason: 'delivery_limit' } }),
    });
  });

  test.each([
    ['its channel closes', 'channel'],
    ['its connection drops (the process died)', 'connection'],
  ] as const)(
    'When a consumer holding a message unacked goes away because %s, then every version counts the return in x-delivery-count (4.3+ in x-acquired-count too)',
    async (_, how) => {
      const queue = await quorumQueue(`return-by-${how}`, { 'x-delivery-limit': 100 });
      await publish(queue, 'held');
      const target = new URL(amqpUrl());
      const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5672));
      const consumer = await connect(proxy.rewrite(target.toString()));
      consumer.on('error', () => {});
      const consumerChannel = await consumer.createChannel();
      await consumerChannel.prefetch(1);
      const first = await new Promise<Message>((resolve) => {
        void consumerChannel.consume(queue, (message) => message && resolve(message));
      });
      if (how === 'channel') await consumerChannel.close();
      else proxy.cut();

      const again = await takeAndReturn(queue);
      if (how === 'channel') await consumer.close();
      await proxy.stop();

      expect({ version, first: counters(first), again: counters(again) }).toEqual({
        version,
        first: { deliveryCount: undefined, acquiredCount: undefined },
        again: { deliveryCount: 1, acquiredCount: EXPECTED[line].acquiredCountHeader ? 1 : undefined },
      });
    },
  );

  test.each([
    ['basic.nack', (reader: Channel, message: Message) => reader.nack(message, false, true)],
    ['basic.reject', (reader: Channel, message: Message) => reader.reject(message, true)],
  ] as const)(
    'When a consumer requeues a message with %s, then it counts towards the delivery limit, except a basic.nack on 4.3+',
    async (method, requeue) => {
      const parked = await quorumQueue(`requeue-parked-${method}`);
      const exchange = await deadLetterExchangeTo(`requeue-dlx-${method}`, parked);
      const queue = await quorumQueue(`requeue-${method}`, {
        'x-delivery-limit': 2,
        'x-dead-letter-exchange': exchange,
      });
      await publish(queue, 'requeued');

      // Requeued every time, up to six deliveries; the sixth is acked.
      const reader = await connection.createChannel();
      await reader.prefetch(1);
      const deliveries: Message[] = [];
      await new Promise<void>((resolve) => {
        let quiet = setTimeout(resolve, 2_000);
        void reader.consume(queue, (message) => {
          if (!message) return;
          deliveries.push(message);
          clearTimeout(quiet);
          quiet = setTimeout(resolve, 1_000);
          if (deliveries.length < 6) requeue(reader, message);
          else reader.ack(message);
        });
      });
      await reader.close();
      const counts = EXPECTED[line].requeueCounts[method];
      const acquired = (count: number) => (EXPECTED[line].acquiredCountHeader ? count : undefined);
      if (counts)
        await waitFor(
          'the dead-lettered message',
          async () => (await channel.checkQueue(parked)).messageCount > 0,
        );
      const death = firstDeath(await channel.get(parked, { noAck: true }));

      expect({
        version,
        deliveries: deliveries.length,
        last: counters(deliveries.at(-1)),
        deadLetteredFor: death?.reason,
      }).toEqual({
        version,
        ...(counts
          ? {
              deliveries: 3,
              last: { deliveryCount: 2, acquiredCount: acquired(2) },
              deadLetteredFor: 'delivery_limit',
            }
          : {
              deliveries: 6,
              last: { deliveryCount: undefined, acquiredCount: acquired(5) },
              deadLetteredFor: undefined,
            }),
      });
    },
  );

  test('When a queue whose dead-letter exchange routes back to it dead-letters a message at its delivery limit, then every version drops the message (a cycle)', async () => {
    const queue = await quorumQueue('cycle-limit', {
      'x-delivery-limit': 1,
      'x-dead-letter-exchange': `${prefix}cycle-limit-dlx`,
    });
    await deadLetterExchangeTo('cycle-limit-dlx', queue);
    await publish(queue, 'cycling');

    // Two returns pass the limit of 1; with no cycle the message would come back a third time.
    const outcome = await returnUntilGone(queue, 5);

    expect({ version, ...outcome }).toEqual({ version, deliveries: 2, depth: 0 });
  });

  test('When such a queue gets a basic.reject without requeue, then every version keeps the message: it comes back through the exchange', async () => {
    const queue = await quorumQueue('cycle-reject', {
      'x-dead-letter-exchange': `${prefix}cycle-reject-dlx`,
    });
    await deadLetterExchangeTo('cycle-reject-dlx', queue);
    await publish(queue, 'rejected');

    // Rejected three times; each time it comes back through the exchange, its x-death counting the rejections.
    const deaths: unknown[] = [];
    for (let delivery = 1; delivery <= 4; delivery++) {
      const reader = await connection.createChannel();
      const message = await waitFor('the message', () => reader.get(queue, { noAck: false }));
      const death = firstDeath(message);
      deaths.push(death && { reason: death.reason, count: death.count });
      if (delivery < 4) reader.reject(message, false);
      else reader.ack(message);
      await reader.close();
    }

    expect({ version, deaths }).toEqual({
      version,
      deaths: [undefined, 1, 2, 3].map((count) => count && { reason: 'rejected', count }),
    });
  });
});
