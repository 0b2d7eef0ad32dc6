import { retryableError } from '@shared/core/errors';
import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';

export const PUBLISH_UNROUTABLE = 'MESSAGING.UNROUTABLE';
export const PUBLISH_NOT_CONFIRMED = 'MESSAGING.NOT_CONFIRMED';

/**
 * Publishes on a confirm channel and resolves only once the broker has taken
 * responsibility for the message. Every publish is `mandatory`: a message no
 * queue would receive comes back as `basic.return` before its confirm, and is
 * reported as an error instead of vanishing.
 * https://www.rabbitmq.com/docs/confirms#publisher-confirms
 */
export class ConfirmPublisher {
  /** Returns received per message id whose confirm has not arrived yet. */
  private readonly pendingReturns = new Map<string, number>();

  /**
   * `onNack` hears of every `basic.nack` the broker sends on this channel
   * (not of the confirms amqplib fails when the channel closes).
   */
  constructor(
    private readonly channel: ConfirmChannel,
    onNack: () => void = () => {},
  ) {
    channel.on('return', (message: ConsumeMessage) => {
      const id = String(message.properties.messageId);
      this.pendingReturns.set(id, (this.pendingReturns.get(id) ?? 0) + 1);
    });
    channel.on('nack', onNack);
  }

  /** Closes the channel; publishes still awaiting their confirm reject and are tried again by their caller. */
  async close(): Promise<void> {
    await this.channel.close().catch(() => {});
  }

  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish & { messageId: string },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      this.channel.publish(exchange, routingKey, content, { ...options, mandatory: true }, (error) => {
        if (error) {
          reject(
            retryableError(PUBLISH_NOT_CONFIRMED, `broker did not confirm the message: ${String(error)}`),
          );
        } else if (this.takeReturn(options.messageId)) {
          const target =
            exchange === '' ? `queue "${routingKey}"` : `exchange "${exchange}" key "${routingKey}"`;
          reject(retryableError(PUBLISH_UNROUTABLE, `no queue received the message sent to ${target}`));
        } else {
          resolve();
        }
      });
    });
  }

  private takeReturn(messageId: string): boolean {
    const returns = this.pendingReturns.get(messageId) ?? 0;
    if (returns === 0) return false;
    if (returns === 1) this.pendingReturns.delete(messageId);
    else this.pendingReturns.set(messageId, returns - 1);
    return true;
  }
}
