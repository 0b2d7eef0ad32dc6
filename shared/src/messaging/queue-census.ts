import type { Channel } from 'amqplib';
import type { Broker } from './broker';
import { HEADERS } from './headers';

/** One queue as the broker counts it; null counts when the queue does not exist (yet). */
export interface QueueCount {
  queue: string;
  /** Ready messages. */
  messages: number | null;
  /** Consumers attached to the queue. */
  consumers: number | null;
}

/** Every queue of one consuming service, counted in one pass. */
export interface ServiceQueueCount {
  service: string;
  work: QueueCount;
  retries: (QueueCount & { tier: string })[];
  deadLetter: QueueCount & {
    /** When the oldest parked message was parked (its x-dead-lettered-at); null when empty or unknown. */
    oldestParkedAt: string | null;
  };
}

/**
 * Counts the messages and consumers of every queue of a topology on a
 * process's own broker connection: a passive declare per queue, so the
 * services themselves spend nothing on it. The DLQ's head is read (and
 * returned at once) only when the DLQ held nothing known before or its depth
 * fell, because only then can its oldest message have changed.
 */
export class QueueCensus {
  private readonly heads = new Map<string, { depth: number; parkedAt: string | null }>();

  constructor(private readonly broker: Broker) {}

  async count(): Promise<ServiceQueueCount[]> {
    const { services } = this.broker.topology;
    const names = services.flatMap((queues) => [
      queues.workQueue,
      queues.deadLetterQueue,
      ...queues.retryQueues.map(({ name }) => name),
    ]);
    const counts = await this.countEach(names);
    const countOf = (queue: string): QueueCount => ({
      queue,
      ...(counts.get(queue) ?? { messages: null, consumers: null }),
    });
    const census: ServiceQueueCount[] = [];
    for (const queues of services) {
      const deadLetter = countOf(queues.deadLetterQueue);
      census.push({
        service: queues.service,
        work: countOf(queues.workQueue),
        retries: queues.retryQueues.map(({ name, tier }) => ({ ...countOf(name), tier: tier.label })),
        deadLetter: { ...deadLetter, oldestParkedAt: await this.oldestParkedAt(deadLetter) },
      });
    }
    return census;
  }

  /**
   * A passive declare of a queue that does not exist closes its channel
   * (404), so counting goes on on a new one. The retry queues of a service
   * that never started with these RETRY_DELAYS are such queues.
   */
  private async countEach(names: string[]) {
    const counts = new Map<string, { messages: number; consumers: number }>();
    const pending = [...names];
    while (pending.length > 0) {
      await this.broker.withChannel(async (channel) => {
        while (pending.length > 0) {
          const queue = pending.shift() as string;
          const count = await countQueue(channel, queue);
          if (!count) return;
          counts.set(queue, count);
        }
      });
    }
    return counts;
  }

  private async oldestParkedAt({ queue, messages }: QueueCount): Promise<string | null> {
    if (!messages) {
      this.heads.delete(queue);
      return null;
    }
    const known = this.heads.get(queue);
    if (known && messages >= known.depth) {
      known.depth = messages;
      return known.parkedAt;
    }
    const parkedAt = await this.broker.withChannel(async (channel) => {
      // The "peek" AMQP 0.9.1 allows: take the head without acking; closing the channel returns it.
      const head = await channel.get(queue, { noAck: false });
      const value = head ? head.properties.headers?.[HEADERS.deadLetteredAt] : undefined;
      return typeof value === 'string' ? value : null;
    });
    this.heads.set(queue, { depth: messages, parkedAt });
    return parkedAt;
  }
}

async function countQueue(channel: Channel, queue: string) {
  try {
    const { messageCount, consumerCount } = await channel.checkQueue(queue);
    return { messages: messageCount, consumers: consumerCount };
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return undefined;
    throw error;
  }
}
