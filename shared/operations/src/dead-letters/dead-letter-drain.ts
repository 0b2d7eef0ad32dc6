import type { Logger } from '@shared/core/logging';
import type { BrokerConsumer, ServiceQueues } from '@shared/messaging';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { type ParkedRecord, parkedRecord } from './parked-message';

/** How many parked messages the drain holds at once, over all DLQs. */
const PREFETCH = 20;
const RETRY_FIRST_MS = 200;
const RETRY_MOST_MS = 10_000;

/**
 * Moves every message a service parks from its DLQ into the dead-letter store,
 * where operators read and act on it; the broker keeps it only until the store
 * has it. Each delivery is acked once its row is committed; a copy delivered
 * again (its ack lost with a channel) is stored once.
 *
 * The DLQ is never read any other way: on RabbitMQ 4.x every return of a
 * message to a quorum queue counts towards a default delivery limit of 20,
 * after which the message is dead-lettered, and a DLQ whose dead-letter
 * exchange leads back to itself then drops it (a cycle). So the drain never
 * gives a message back: while the store cannot be written (Postgres down) it
 * holds the delivery and tries again; only the channel's end (the process
 * stops or dies) returns it, once. See docs/dead-letters.md.
 */
export class DeadLetterDrain implements BrokerConsumer {
  private channel: Channel | undefined;
  private consumerTags: string[] = [];
  private stopped = false;
  /** The deliveries in hand, stored one after another so the store keeps their queue order. */
  private inHand: Promise<void> = Promise.resolve();

  constructor(
    private readonly queues: readonly ServiceQueues[],
    private readonly store: { park(record: ParkedRecord): Promise<void> },
    /** The field of an event's data that names its subject (an order id). */
    private readonly subjectKey: string,
    private readonly logger: Logger,
  ) {}

  get consuming(): boolean {
    return this.channel !== undefined && this.consumerTags.length === this.queues.length;
  }

  async start(model: ChannelModel, onChannelLost: (error: Error) => void): Promise<void> {
    if (this.stopped) return;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) =>
      this.logger.warn({ err: error }, 'dead-letter drain channel error'),
    );
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      if (!this.stopped) onChannelLost(new Error('dead-letter drain channel closed'));
    });
    await channel.prefetch(PREFETCH);
    this.channel = channel;
    this.consumerTags = [];
    for (const queues of this.queues) {
      const { consumerTag } = await channel.consume(queues.deadLetterQueue, (message) => {
        // A null delivery is the broker cancelling the consumer (the queue was deleted).
        if (!message)
          return onChannelLost(new Error(`the broker cancelled the drain of ${queues.deadLetterQueue}`));
        this.inHand = this.inHand
          .then(() => this.keep(channel, queues, message))
          .catch((error: unknown) =>
            this.logger.error({ err: error }, 'the dead-letter drain failed on a message'),
          );
      });
      this.consumerTags.push(consumerTag);
    }
  }

  /** Stops taking messages, lets the ones being stored finish (at most `timeoutMs`), then closes. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    const { channel } = this;
    for (const tag of this.consumerTags) await channel?.cancel(tag).catch(() => {});
    this.consumerTags = [];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.inHand,
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // Whatever is still held goes back to its DLQ with the channel.
    this.channel = undefined;
    await channel?.close().catch(() => {});
  }

  private async keep(channel: Channel, queues: ServiceQueues, message: ConsumeMessage) {
    const record = parkedRecord(queues, message, this.subjectKey);
    for (let waitMs = RETRY_FIRST_MS; ; waitMs = Math.min(waitMs * 2, RETRY_MOST_MS)) {
      // The channel is gone: the broker has the message back, to be delivered again.
      if (this.channel !== channel) return;
      try {
        await this.store.park(record);
        break;
      } catch (error) {
        this.logger.warn(
          { err: error, queue: queues.deadLetterQueue, messageId: record.messageId, retryInMs: waitMs },
          'could not store a dead letter; holding it and trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    this.logger.info(
      { queue: queues.deadLetterQueue, messageId: record.messageId, reason: record.reason },
      'dead letter stored',
    );
    try {
      channel.ack(message);
    } catch {
      // The channel closed after the commit: the copy comes back and is stored once.
    }
  }
}
