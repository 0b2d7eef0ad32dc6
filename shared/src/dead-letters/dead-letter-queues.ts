import { type Channel, type ChannelModel, type ConfirmChannel, connect, type GetMessage } from 'amqplib';
import type { PrismaClient } from '../database';
import { AppError } from '../errors';
import { ConfirmPublisher } from '../messaging/confirm-publisher';
import { HEADERS, republishableProperties } from '../messaging/headers';
import type { ServiceQueues, Topology } from '../messaging/topology';
import { type DeadLetterFilter, describeParked, matchesFilter, type ParkedMessage } from './parked-message';
import { RateLimit } from './rate-limit';
import { replayHeaders } from './replay-headers';

export const UNKNOWN_SERVICE = 'DEAD_LETTERS.UNKNOWN_SERVICE';

export interface DeadLetterQueueSummary {
  service: string;
  queue: string;
  /** Messages waiting in the DLQ (0 when the queue does not exist yet). */
  depth: number;
  /** Age of the oldest parked message, from its x-dead-lettered-at; null when empty. */
  oldestAgeMs: number | null;
}

export interface Progress {
  /** Messages read so far, out of `total` (the depth when the command started). */
  scanned: number;
  total: number;
  /** Messages acted on so far (replayed or discarded). */
  done: number;
}

export interface ActionOptions {
  /** Who did it, for the audit log (e.g. "ada@ops-laptop", "admin-api"). */
  actor: string;
  onProgress?: (progress: Progress) => void;
  /** Stops after the current message; the rest stay in the DLQ. */
  signal?: AbortSignal;
}

export interface ReplayOptions extends ActionOptions {
  /** Replays per second at most; default 10. */
  ratePerSecond?: number;
}

export interface DiscardOptions extends ActionOptions {
  reason: string;
}

type Act = (message: GetMessage, parked: ParkedMessage, publisher: ConfirmPublisher) => Promise<void>;

/**
 * Reads, replays and discards the messages parked in the services' dead-letter
 * queues, with its own connection (an operator's tool, not part of a
 * service's broker). Behind both the `npm run dlq` CLI and checkout's
 * /admin/dlq API.
 *
 * AMQP 0.9.1 has no peek, so every command walks a DLQ with basic.get
 * without acking: it reads at most as many messages as the queue held when
 * the command started (so a message that comes back during the walk is not
 * read twice), acks only the ones it replayed or discarded, and closes its
 * channel at the end, which returns every other message to the queue. A
 * command that dies half-way loses nothing: unacked messages go back too.
 * See docs/dead-letters.md.
 */
export class DeadLetterQueues {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly topology: Topology,
    private readonly prisma: PrismaClient,
  ) {}

  static async open(options: { url: string; topology: Topology; prisma: PrismaClient }) {
    const connection = await connect(options.url, {
      clientProperties: { connection_name: 'dead-letter-tooling' },
    });
    // Without listeners an 'error' event would crash the process; a command
    // in progress sees its own operation fail instead.
    connection.on('error', () => {});
    connection.on('close', () => {});
    return new DeadLetterQueues(connection, options.topology, options.prisma);
  }

  get services(): string[] {
    return this.topology.services.map((queues) => queues.service);
  }

  async list(): Promise<DeadLetterQueueSummary[]> {
    const summaries: DeadLetterQueueSummary[] = [];
    for (const queues of this.topology.services) {
      summaries.push(await this.summarise(queues));
    }
    return summaries;
  }

  /** The parked messages the filter selects, in queue order; nothing is removed. */
  async show(service: string, filter: DeadLetterFilter = {}): Promise<ParkedMessage[]> {
    const shown: ParkedMessage[] = [];
    await this.walk(this.queuesOf(service), filter, { acknowledge: false }, async (_message, parked) => {
      shown.push(parked);
    });
    return shown;
  }

  /**
   * Puts the selected messages back on the service's work queue as they were
   * first published (same message id, correlation id, type and body) with
   * the attempt count reset, at most `ratePerSecond` per second.
   */
  async replay(service: string, filter: DeadLetterFilter, options: ReplayOptions) {
    const queues = this.queuesOf(service);
    const rate = new RateLimit(options.ratePerSecond ?? 10);
    const ids: string[] = [];
    await this.walk(queues, filter, { ...options, acknowledge: true }, async (message, parked, publisher) => {
      await rate.wait();
      // The record first: a replay the broker then refuses leaves a row
      // that is deleted below, never a replay without a row.
      const row = await this.record('replay', service, parked, options.actor, null);
      try {
        await publisher.publish('', queues.workQueue, message.content, {
          ...republishableProperties(message.properties),
          messageId: parked.messageId,
          headers: replayHeaders(message.properties.headers, options.actor, new Date()),
          persistent: true,
        });
      } catch (error) {
        await this.prisma.deadLetterAction.delete({ where: { id: row.id } }).catch(() => {});
        throw error;
      }
      ids.push(parked.messageId);
    });
    return { replayed: ids.length, ids };
  }

  /** Removes the selected messages for good, recording the reason for each. */
  async discard(service: string, filter: DeadLetterFilter, options: DiscardOptions) {
    if (!options.reason.trim()) throw new Error('a discard needs a reason');
    const ids: string[] = [];
    const walk = { ...options, acknowledge: true };
    await this.walk(this.queuesOf(service), filter, walk, async (_message, parked) => {
      await this.record('discard', service, parked, options.actor, options.reason);
      ids.push(parked.messageId);
    });
    return { discarded: ids.length, ids };
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => {});
  }

  private queuesOf(service: string): ServiceQueues {
    const queues = this.topology.services.find((candidate) => candidate.service === service);
    if (!queues) {
      throw new AppError(
        UNKNOWN_SERVICE,
        `no dead-letter queue for service "${service}"; known: ${this.services.join(', ')}`,
        { kind: 'operational' },
      );
    }
    return queues;
  }

  private async summarise(queues: ServiceQueues): Promise<DeadLetterQueueSummary> {
    const summary = { service: queues.service, queue: queues.deadLetterQueue, depth: 0, oldestAgeMs: null };
    const channel = await this.connection.createChannel();
    channel.on('error', () => {});
    try {
      const messageCount = await depthOf(channel, queues.deadLetterQueue);
      if (messageCount === 0) return summary;
      // The "peek": take the head without acking; closing the channel returns it.
      const head = await channel.get(queues.deadLetterQueue, { noAck: false });
      const parkedAt = head
        ? Date.parse(String(head.properties.headers?.[HEADERS.deadLetteredAt]))
        : Number.NaN;
      await channel.close();
      await this.waitForReturns(queues.deadLetterQueue, messageCount);
      return {
        ...summary,
        depth: messageCount,
        oldestAgeMs: Number.isFinite(parkedAt) ? Math.max(0, Date.now() - parkedAt) : null,
      };
    } finally {
      await channel.close().catch(() => {});
    }
  }

  /** Reads the DLQ once (see the class comment) and calls `act` for each selected message, then acks it. */
  private async walk(
    queues: ServiceQueues,
    filter: DeadLetterFilter,
    options: Partial<ActionOptions> & { acknowledge: boolean },
    act: Act,
  ): Promise<void> {
    const channel: ConfirmChannel = await this.connection.createConfirmChannel();
    channel.on('error', () => {});
    const publisher = new ConfirmPublisher(channel);
    let total = 0;
    let acked = 0;
    try {
      total = await depthOf(channel, queues.deadLetterQueue);
      let done = 0;
      for (let scanned = 0; scanned < total; ) {
        if (filter.limit !== undefined && done >= filter.limit) break;
        if (options.signal?.aborted) break;
        const message = await channel.get(queues.deadLetterQueue, { noAck: false });
        if (!message) break;
        scanned += 1;
        const parked = describeParked(message);
        if (matchesFilter(parked, filter)) {
          await act(message, parked, publisher);
          // Show only reads; replay and discard ack once their effect is done.
          if (options.acknowledge) {
            channel.ack(message);
            acked += 1;
          }
          done += 1;
        }
        options.onProgress?.({ scanned, total, done });
      }
    } finally {
      // Returns every message read but not acked to the DLQ. Closing the
      // channel (rather than the connection) waits for the broker's close-ok,
      // which keeps the acks sent just before (see docs/messaging.md).
      await channel.close().catch(() => {});
    }
    await this.waitForReturns(queues.deadLetterQueue, total - acked);
  }

  /**
   * A quorum queue takes returned messages back asynchronously, after the
   * channel has closed. Waiting until they count again means the next command
   * (a replay right after a show) sees every one of them.
   */
  private async waitForReturns(queue: string, expected: number, timeoutMs = 2_000) {
    if (expected <= 0) return;
    const channel = await this.connection.createChannel();
    channel.on('error', () => {});
    try {
      const deadline = Date.now() + timeoutMs;
      while ((await channel.checkQueue(queue)).messageCount < expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await channel.close().catch(() => {});
    }
  }

  private record(
    action: 'replay' | 'discard',
    service: string,
    parked: ParkedMessage,
    actor: string,
    reason: string | null,
  ) {
    return this.prisma.deadLetterAction.create({
      data: {
        action,
        service,
        messageId: parked.messageId,
        orderId: parked.orderId,
        actor,
        reason,
        lastError: parked.lastError,
      },
    });
  }
}

/**
 * Ready messages in `queue`; 0 when it does not exist yet (no service has
 * started with this QUEUE_PREFIX), which closes `channel`.
 */
async function depthOf(channel: Channel, queue: string): Promise<number> {
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return 0;
    throw error;
  }
}
