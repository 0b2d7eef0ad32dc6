import type { Logger } from '@shared/core/logging';
import { logFieldsOf, type Span } from '@shared/core/tracing';
import type { Message, MessagePropertyHeaders } from 'amqplib';
import type { EventContract, EventEnvelope } from '../events';
import { HEADERS, numberHeader } from '../headers';
import { type InboxDatabase, inboxHolds } from '../inbox';
import { attemptStarting, type ReportedAttempt } from '../outcomes';
import type { Decoder } from './decode';
import type { DeadLetter } from './settle';

/** A delivery as its headers tell it, before its body is read. */
export interface Delivery {
  readonly message: Message;
  readonly headers: MessagePropertyHeaders;
  /** The attempt within the message's current run (1 for the first); it chooses the retry tier. */
  readonly attempt: number;
  /** The attempt as an outcome reports it, for a message parked before it reaches the handler. */
  readonly delivered: ReportedAttempt;
  /** When it came (epoch ms), and how long it had waited in its queue. */
  readonly receivedAt: number;
  readonly waitedMs: number;
  /** The message's logger: its id, correlation id, attempt and trace on every line. */
  readonly log: () => Logger;
  /** The consumer span it is handled in. */
  readonly span: Span;
}

export function receive(message: Message, span: Span, logger: Logger): Delivery {
  const headers = message.properties.headers ?? {};
  const attempt = numberHeader(headers, HEADERS.attempt) ?? 1;
  const delivered = attemptStarting(headers);
  const now = Date.now();
  const enqueuedAt = numberHeader(headers, HEADERS.enqueuedAt) ?? (message.properties.timestamp ?? 0) * 1000;
  // A child logger per message costs a serialisation; most messages never log.
  let log: Logger | undefined;
  const logOf = () =>
    (log ??= logger.child({
      messageId: message.properties.messageId,
      correlationId: headers[HEADERS.correlationId],
      attempt,
      ...logFieldsOf(span),
    }));
  return {
    message,
    headers,
    attempt,
    delivered,
    receivedAt: now,
    waitedMs: enqueuedAt > 0 ? Math.max(0, now - enqueuedAt) : 0,
    log: logOf,
    span,
  };
}

/**
 * Crash-loop guard. A quorum queue counts how often a message came back
 * without an outcome: in x-delivery-count (RabbitMQ 4.3+: failed
 * deliveries, a consumer that went away included) and, since 4.3, every
 * return in x-acquired-count. The guard reads both and parks the message
 * itself, one return before the broker's x-delivery-limit, which stays as
 * a backstop (docs/messaging.md, "Crash loops").
 */
export class CrashLoopGuard {
  constructor(
    private readonly deliveryLimit: number,
    private readonly decoder: Decoder<EventContract>,
    private readonly inbox: { db: InboxDatabase; schema: string } | undefined,
    private readonly logger: Logger,
  ) {}

  /**
   * The dead letter a delivery becomes as a crash loop, and the task to
   * report it for; undefined when it may go on.
   * An event the inbox already holds is no crash loop: its effect committed,
   * and it came back only because its acks were lost with their channels
   * (seen when nodes of a cluster die one after another). It runs as the
   * duplicate it is, which acks it (and, for a task, reports its outcome
   * again); a job the same way, since its inbox key is its event id too. Up
   * to twice the limit, for returns the broker does not count (4.3+: a
   * basic.nack requeue), so a handler that kills the process even on a
   * duplicate is parked all the same.
   */
  async check({ message, headers }: Delivery): Promise<(DeadLetter & { task?: EventEnvelope }) | undefined> {
    const returns = Math.max(
      numberHeader(headers, HEADERS.deliveryCount) ?? 0,
      numberHeader(headers, HEADERS.acquiredCount) ?? 0,
    );
    const { deliveryLimit } = this;
    if (returns < deliveryLimit) return undefined;
    const event = this.decoder.tryParse(message);
    if (event && returns < 2 * deliveryLimit && (await this.alreadyHandled(event))) return undefined;
    return {
      reason: 'delivery-limit',
      error: `delivered ${returns + 1} times without an outcome; a consumer probably died while handling it`,
      code: 'MESSAGING.DELIVERY_LIMIT',
      task: this.decoder.taskOnly(event),
    };
  }

  /** Whether the service's inbox holds the event; when it cannot tell, no. */
  private async alreadyHandled(event: EventEnvelope): Promise<boolean> {
    const { inbox } = this;
    if (!inbox) return false;
    return inboxHolds(inbox.db, inbox.schema, event.id).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not read the inbox');
      return false;
    });
  }
}
