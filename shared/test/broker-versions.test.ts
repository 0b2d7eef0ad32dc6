import { type Channel, type ChannelModel, connect, type GetMessage, type Message } from 'amqplib';
import { amqpUrl, sleep, uniquePrefix, waitFor } from '../../test/support';
import { TcpProxy } from '../../test/tcp-proxy';

/**
 * The RabbitMQ behaviours this project depends on, asserted on the broker
 * the tests run against (AMQP_URL), each against what that version was
 * measured to do: docs/messaging.md, "RabbitMQ 3.10 to 4.3". CI runs the
 * suite on 4.3 and on 3.10, so a broker that changes one of them fails
 * here, by name, before a reliability test fails for a reason nobody
 * recognises. Plain amqplib, quorum queues of the test's own, deleted
 * afterwards.
 */

type Line = '3.x' | '4.0-4.2' | '4.3+';

/**
 * Measured on 3.10.8, 4.0.5 and 4.3.6; 3.11-3.13 and 4.1-4.2 are taken to
 * behave like their line (their sources agree: docs/messaging.md).
 */
function lineOf(version: string): Line {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 4) return '3.x';
  if (major === 4 && minor < 3) return '4.0-4.2';
  return '4.3+';
}

/** What each line does, one row per behaviour. */
const EXPECTED = {
  '3.x': {
    defaultDeliveryLimit: undefined,
    acquiredCountHeader: false,
    requeueCounts: { 'basic.nack': true, 'basic.reject': true },
    priorities: 'none',
    globalQos: 'refused',
  },
  '4.0-4.2': {
    defaultDeliveryLimit: 20,
    acquiredCountHeader: false,
    requeueCounts: { 'basic.nack': true, 'basic.reject': true },
    priorities: 'two buckets',
    globalQos: 'refused',
  },
  '4.3+': {
    defaultDeliveryLimit: 20,
    acquiredCountHeader: true,
    requeueCounts: { 'basic.nack': false, 'basic.reject': true },
    priorities: 'strict',
    globalQos: 'per-consumer',
  },
} as const;

/** How far a test returns a message when the broker sets no limit. */
const RETURNS_WITHOUT_LIMIT = 25;

let connection: ChannelModel;
let channel: Channel;
let version: string;
let line: Line;
let prefix: string;
const queues: string[] = [];
const exchanges: string[] = [];

beforeAll(async () => {
  connection = await connect(amqpUrl());
  channel = await connection.createChannel();
  version = connection.connection.serverProperties.version;
  line = lineOf(version);
  prefix = uniquePrefix('broker-versions');
});

afterAll(async () => {
  for (const queue of queues) await channel.deleteQueue(queue);
  for (const exchange of exchanges) await channel.deleteExchange(exchange);
  await connection.close();
});

async function quorumQueue(label: string, args: Record<string, unknown> = {}): Promise<string> {
  const queue = `${prefix}${label}`;
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum', ...args } });
  queues.push(queue);
  return queue;
}

/** A fanout dead-letter exchange routing to `target`. */
async function deadLetterExchangeTo(label: string, target: string): Promise<string> {
  const exchange = `${prefix}${label}`;
  await channel.assertExchange(exchange, 'fanout', { durable: true });
  exchanges.push(exchange);
  await channel.bindQueue(target, exchange, '');
  return exchange;
}

async function publish(queue: string, body: string, options: { priority?: number } = {}) {
  channel.sendToQueue(queue, Buffer.from(body), { persistent: true, ...options });
  await waitFor(`a message in ${queue}`, async () => (await channel.checkQueue(queue)).messageCount > 0);
}

/**
 * Takes the head of `queue` without acking and closes the channel, which
 * returns it: the way a consumer that dies hands its messages back, and the
 * way this project's DLQ tools read a DLQ. Undefined when the queue stays
 * empty for a second (a quorum queue takes a return back asynchronously).
 */
async function takeAndReturn(queue: string): Promise<GetMessage | undefined> {
  const reader = await connection.createChannel();
  let message: GetMessage | false = false;
  const deadline = Date.now() + 1_000;
  while (!message && Date.now() < deadline) {
    message = await reader.get(queue, { noAck: false });
    if (!message) await sleep(50);
  }
  await reader.close();
  return message || undefined;
}

/**
 * Returns the message of `queue` until it is gone or was delivered `most`
 * times; then the queue's depth once the last return has landed.
 */
async function returnUntilGone(queue: string, most: number) {
  const deliveries: GetMessage[] = [];
  while (deliveries.length < most) {
    const message = await takeAndReturn(queue);
    if (!message) break;
    deliveries.push(message);
  }
  let depth = 0;
  const deadline = Date.now() + 1_000;
  while (depth === 0 && Date.now() < deadline) {
    depth = (await channel.checkQueue(queue)).messageCount;
    if (depth === 0) await sleep(50);
  }
  return { deliveries: deliveries.length, depth };
}

const counters = (message: Message | undefined) => ({
  deliveryCount: message?.properties.headers?.['x-delivery-count'],
  acquiredCount: message?.properties.headers?.['x-acquired-count'],
});

const firstDeath = (message: Message | false) =>
  message ? message.properties.headers?.['x-death']?.[0] : undefined;

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

/**
 * The order `published` comes out in. Two buckets: high (priority above 4)
 * and normal, two high for one normal while both hold messages. Strict: a
 * message without priority counts as 4.
 */
function expectedOrder(published: (number | undefined)[]): (number | undefined)[] {
  const priorities = EXPECTED[line].priorities;
  if (priorities === 'none') return published;
  if (priorities === 'strict') {
    return published
      .map((priority, index) => ({ priority, rank: priority ?? 4, index }))
      .sort((a, b) => b.rank - a.rank || a.index - b.index)
      .map(({ priority }) => priority);
  }
  const high = published.filter((priority) => (priority ?? 0) > 4);
  const normal = published.filter((priority) => (priority ?? 0) <= 4);
  const order: (number | undefined)[] = [];
  while (high.length > 0 || normal.length > 0) {
    for (let taken = 0; taken < 2 && high.length > 0; taken++) order.push(high.shift());
    if (normal.length > 0) order.push(normal.shift());
  }
  return order;
}
