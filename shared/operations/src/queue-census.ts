import type { Broker } from '@shared/messaging';
import type { Channel } from 'amqplib';

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
  /** The DLQ: messages on their way to the dead-letter store (normally 0 within a moment). */
  deadLetter: QueueCount;
}

/**
 * Counts the messages and consumers of every queue of a topology on a
 * process's own broker connection: a passive declare per queue, so the
 * services themselves spend nothing on it, and no message is touched (a read
 * would count as a delivery; the dead letters are counted in their store).
 */
export class QueueCensus {
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
      census.push({
        service: queues.service,
        work: countOf(queues.workQueue),
        retries: queues.retryQueues.map(({ name, tier }) => ({ ...countOf(name), tier: tier.label })),
        deadLetter: countOf(queues.deadLetterQueue),
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
