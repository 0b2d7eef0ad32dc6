import { type Channel, type ChannelModel, connect, type GetMessage, type Message } from 'amqplib';
import { amqpUrl, sleep, uniquePrefix, waitFor } from '../../../test/support';

/**
 * The RabbitMQ behaviours this project depends on, asserted on the broker
 * the tests run against (AMQP_URL), each against what that version was
 * measured to do: docs/messaging.md, "RabbitMQ 3.10 to 4.3". CI runs the
 * suite on 4.3 and on 3.10, so a broker that changes one of them fails
 * here, by name, before a reliability test fails for a reason nobody
 * recognises. Plain amqplib, quorum queues of the test's own, deleted
 * afterwards.
 *
 * What the tests share: the line of the broker under test and what each line
 * was measured to do. `useBrokerUnderTest` connects before the file's tests;
 * the bindings below hold the connection meanwhile (each test file is a
 * module registry of its own).
 */

export type Line = '3.x' | '4.0-4.2' | '4.3+';

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
export const EXPECTED = {
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
export const RETURNS_WITHOUT_LIMIT = 25;

export let connection: ChannelModel;
export let channel: Channel;
export let version: string;
export let line: Line;
export let prefix: string;
export const queues: string[] = [];
export const exchanges: string[] = [];

export function useBrokerUnderTest() {
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
}

export async function quorumQueue(label: string, args: Record<string, unknown> = {}): Promise<string> {
  const queue = `${prefix}${label}`;
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum', ...args } });
  queues.push(queue);
  return queue;
}

/** A fanout dead-letter exchange routing to `target`. */
export async function deadLetterExchangeTo(label: string, target: string): Promise<string> {
  const exchange = `${prefix}${label}`;
  await channel.assertExchange(exchange, 'fanout', { durable: true });
  exchanges.push(exchange);
  await channel.bindQueue(target, exchange, '');
  return exchange;
}

export async function publish(queue: string, body: string, options: { priority?: number } = {}) {
  channel.sendToQueue(queue, Buffer.from(body), { persistent: true, ...options });
  await waitFor(`a message in ${queue}`, async () => (await channel.checkQueue(queue)).messageCount > 0);
}

/**
 * Takes the head of `queue` without acking and closes the channel, which
 * returns it: the way a consumer that dies hands its messages back, and the
 * way this project's DLQ tools read a DLQ. Undefined when the queue stays
 * empty for a second (a quorum queue takes a return back asynchronously).
 */
export async function takeAndReturn(queue: string): Promise<GetMessage | undefined> {
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
export async function returnUntilGone(queue: string, most: number) {
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

export const counters = (message: Message | undefined) => ({
  deliveryCount: message?.properties.headers?.['x-delivery-count'],
  acquiredCount: message?.properties.headers?.['x-acquired-count'],
});

export const firstDeath = (message: Message | false) =>
  message ? message.properties.headers?.['x-death']?.[0] : undefined;

/**
 * The order `published` comes out in. Two buckets: high (priority above 4)
 * and normal, two high for one normal while both hold messages. Strict: a
 * message without priority counts as 4.
 */
export function expectedOrder(published: (number | undefined)[]): (number | undefined)[] {
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
