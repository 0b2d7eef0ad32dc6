import { errorCode, errorMessage } from '@shared/core/errors';
import type { Logger } from '@shared/core/logging';
import type { ConfirmChannel, Message } from 'amqplib';
import type { ConfirmPublisher } from '../confirm-publisher';
import { type DeadLetterReason, HEADERS, republishableProperties, withoutQueueCounters } from '../headers';
import type { ServiceQueues } from '../topology';

const MAX_ERROR_HEADER_LENGTH = 1_000;

/** Why a delivery goes to the dead-letter queue, as its headers say there. */
export interface DeadLetter {
  reason: DeadLetterReason;
  error: string;
  code: string;
}

/**
 * Ends one delivery. Republishing happens before the ack and waits for the
 * broker's confirm; if the republish fails, the delivery is requeued (the
 * crash-loop guard bounds how often that can happen) and the settle reports
 * false, so nothing is announced about a move that did not happen.
 */
export class Settler {
  constructor(
    private readonly channel: ConfirmChannel,
    private readonly publisher: ConfirmPublisher,
    private readonly message: Message,
    private readonly queues: ServiceQueues,
    private readonly log: () => Logger,
  ) {}

  ack() {
    // After a reconnect the channel is gone; the broker has already requeued the message.
    try {
      this.channel.ack(this.message);
    } catch (error) {
      this.log().warn({ err: error }, 'could not ack: channel closed, the broker will redeliver');
    }
  }

  /** Back to the tail of `queue` as it came, unhandled. */
  putBack(queue: string): Promise<boolean> {
    this.log().debug({ queue }, 'holding: delivery put back in its queue');
    return this.republish(queue, {});
  }

  retry(queue: string, nextAttempt: number, error: unknown, delayMs: number): Promise<boolean> {
    const headers = this.message.properties.headers ?? {};
    return this.republish(queue, {
      [HEADERS.enqueuedAt]: Date.now() + delayMs,
      [HEADERS.attempt]: nextAttempt,
      [HEADERS.firstFailureAt]: headers[HEADERS.firstFailureAt] ?? new Date().toISOString(),
      [HEADERS.lastError]: truncate(errorMessage(error)),
      [HEADERS.lastErrorCode]: errorCode(error),
    });
  }

  deadLetter(reason: DeadLetterReason, attempt: number, error: string, code: string): Promise<boolean> {
    const headers = this.message.properties.headers ?? {};
    this.log().error({ reason, error }, 'dead-lettered');
    return this.republish(this.queues.deadLetterQueue, {
      [HEADERS.attempt]: attempt,
      [HEADERS.firstFailureAt]: headers[HEADERS.firstFailureAt] ?? new Date().toISOString(),
      [HEADERS.lastError]: truncate(error),
      [HEADERS.lastErrorCode]: code,
      [HEADERS.deadLetterReason]: reason,
      [HEADERS.deadLetteredAt]: new Date().toISOString(),
      [HEADERS.deadLetteredBy]: this.queues.service,
    });
  }

  private async republish(queue: string, extraHeaders: Record<string, unknown>): Promise<boolean> {
    const { properties, content } = this.message;
    try {
      // The default exchange ("") routes to the queue named by the routing key.
      await this.publisher.publish('', queue, content, {
        ...republishableProperties(properties),
        messageId: String(properties.messageId ?? ''),
        headers: { ...withoutQueueCounters(properties.headers), ...extraHeaders },
        persistent: true,
      });
    } catch (error) {
      this.log().error({ err: error, queue }, 'republish failed; requeueing the delivery');
      try {
        this.channel.nack(this.message, false, true);
      } catch {
        // Channel already closed: the broker requeues the delivery itself.
      }
      return false;
    }
    this.ack();
    return true;
  }
}

function truncate(text: string) {
  return text.length > MAX_ERROR_HEADER_LENGTH ? `${text.slice(0, MAX_ERROR_HEADER_LENGTH)}…` : text;
}
