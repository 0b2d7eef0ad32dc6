import type { Logger } from '@shared/core/logging';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { ConfirmPublisher } from './confirm-publisher';

/**
 * The confirm channel events go out on, opened by every (re)connect's set-up.
 * A lost channel hands the repair to the connection's recovery; a refused
 * publish moves publishing to a new channel on the same connection.
 */
export class PublishingChannel {
  /** What publishes now; undefined while disconnected. */
  publisher: ConfirmPublisher | undefined;
  /** When the publishing channel was last replaced after a nack (see replace). */
  private replacedAt = 0;

  constructor(
    private readonly logger: Logger,
    /** Whether `model` is still the connection in use: not closing, not replaced. */
    private readonly inUse: (model: ChannelModel) => boolean,
    /** Closes `model` so that recovery reconnects, declares and resumes everything. */
    private readonly recover: (model: ChannelModel, reason: Error) => void,
  ) {}

  async open(model: ChannelModel): Promise<ConfirmChannel> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => this.logger.error({ err: error }, 'publishing channel error'));
    return channel;
  }

  /** The publisher on `channel`: a lost channel reconnects, a nack replaces the channel. */
  on(model: ChannelModel, channel: ConfirmChannel): ConfirmPublisher {
    const publisher = new ConfirmPublisher(channel, () => this.replace(model, publisher));
    channel.on('close', () => {
      if (this.publisher === publisher) this.recover(model, new Error('publishing channel closed'));
    });
    return publisher;
  }

  /**
   * The broker refused a publish (`basic.nack`). A channel can keep refusing
   * after the node holding a quorum queue's leader dies: on RabbitMQ 3.10,
   * shown by shared/messaging/test/cluster-failover.test.ts, a channel opened during the
   * election nacked every publish for minutes while a new channel's went
   * through. So the publisher moves to a new channel (at most once a second);
   * the caller retries what was refused, as it retries any unconfirmed publish.
   * The connection and the consumers stay as they are.
   */
  private replace(model: ChannelModel, nacked: ConfirmPublisher) {
    if (!this.inUse(model) || this.publisher !== nacked) return;
    if (Date.now() - this.replacedAt < 1_000) return;
    this.replacedAt = Date.now();
    this.logger.warn('RabbitMQ refused a publish; moving publishing to a new channel');
    void (async () => {
      const channel = await this.open(model);
      if (!this.inUse(model) || this.publisher !== nacked) {
        await channel.close();
        return;
      }
      this.publisher = this.on(model, channel);
      await nacked.close();
    })().catch((error: unknown) => this.recover(model, error as Error));
  }
}
