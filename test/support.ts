import { randomUUID } from 'node:crypto';
import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import { type ConsumerDefinition, deleteTopology, describeTopology, type Topology } from '@shared/messaging';
import { type Channel, type ChannelModel, connect, type GetMessage } from 'amqplib';
import { TEST_METRICS_TOKEN } from './metrics-token';

/**
 * Helpers every integration test uses: names unique to the test, a logger
 * that is quiet unless TEST_LOG_LEVEL asks, polling, and direct queue access
 * for assertions.
 */

export const amqpUrl = () => required('AMQP_URL');
export const databaseUrl = () => required('DATABASE_URL');

export const testLogger = (service = 'test') => createLogger(service, process.env.TEST_LOG_LEVEL ?? 'silent');

/** A queue-name prefix unique to this run and this test, ending in ".". */
export function uniquePrefix(label: string): string {
  return `${required('TEST_RUN_ID')}.${label}.${randomUUID().slice(0, 6)}.`;
}

export function tiers(value: string): RetryTier[] {
  const parsed = parseRetryDelays(value);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

export function testTopology(
  prefix: string,
  consumers: ConsumerDefinition[],
  options: { retryDelays?: string; deliveryLimit?: number } = {},
): Topology {
  return describeTopology(consumers, {
    prefix,
    retryTiers: tiers(options.retryDelays ?? '200ms,400ms'),
    deliveryLimit: options.deliveryLimit ?? 5,
  });
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  description: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export { TEST_METRICS_TOKEN };

/** A service's /metrics, as Prometheus scrapes it: with the scraper's bearer token. */
export function scrapeMetrics(baseUrl: string, init: { accept?: string } = {}): Promise<Response> {
  return fetch(`${baseUrl}/metrics`, {
    headers: {
      authorization: `Bearer ${TEST_METRICS_TOKEN}`,
      ...(init.accept ? { accept: init.accept } : {}),
    },
  });
}

/** A plain amqplib connection for arranging and inspecting queues from the outside. */
export class QueueInspector {
  private constructor(
    private readonly connection: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<QueueInspector> {
    const connection = await connect(amqpUrl());
    return new QueueInspector(connection, await connection.createChannel());
  }

  async depth(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Takes every message currently in `queue` (acknowledging them). */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) return messages;
      messages.push(message);
    }
  }

  /** Waits until `queue` holds `count` messages, then takes them. */
  async take(queue: string, count: number, timeoutMs = 15_000): Promise<GetMessage[]> {
    await waitFor(
      `${count} message(s) in ${queue}`,
      async () => (await this.depth(queue)) >= count,
      timeoutMs,
    );
    return this.drain(queue);
  }

  /** Publishes raw bytes to the events exchange, bypassing every check of the messaging core. */
  publishRaw(exchange: string, routingKey: string, content: Buffer, messageId = randomUUID()) {
    this.channel.publish(exchange, routingKey, content, { messageId, persistent: true });
  }

  /** Deletes every exchange and queue of `topology`, so runs leave the broker as they found it. */
  deleteTopology(topology: Topology): Promise<void> {
    return deleteTopology(this.channel, topology);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the tests through Jest so the global setup sets it`);
  return value;
}
