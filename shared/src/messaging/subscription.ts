import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { errorCode, errorMessage, retryableError } from '../errors';
import { EVENT_SCHEMA_INVALID, type EventContract, type EventOf, parseEvent } from '../events';
import type { Logger } from '../logging';
import { messagingMetrics } from '../metrics';
import { ConfirmPublisher } from './confirm-publisher';
import {
  type DeadLetterReason,
  HEADERS,
  numberHeader,
  republishableProperties,
  withoutQueueCounters,
} from './headers';
import { decideAfterFailure } from './retry-policy';
import type { ServiceQueues } from './topology';

export interface HandlerContext {
  /** Carries the event's correlation id, message id and attempt on every line. */
  log: Logger;
  /** 1 for the first delivery, 2 after the first retry, and so on. */
  attempt: number;
  /** Aborted when the handler runs past its timeout. */
  signal: AbortSignal;
}

export type EventHandler<Contract extends EventContract> = (
  event: EventOf<Contract>,
  context: HandlerContext,
) => Promise<void>;

export interface SubscriptionOptions {
  prefetch: number;
  handlerTimeoutMs: number;
  deliveryLimit: number;
}

/** What became of one delivery; services turn these into outcome events and metrics. */
export type DeliveryOutcome =
  | { kind: 'handled'; attempt: number }
  | { kind: 'retry-scheduled'; attempt: number; delay: string; error: string }
  | { kind: 'dead-lettered'; attempt: number; reason: DeadLetterReason; error: string };

export type OutcomeListener<Contract extends EventContract> = (
  outcome: DeliveryOutcome,
  event: EventOf<Contract> | undefined,
) => void;

const HANDLER_TIMEOUT = 'HANDLER.TIMEOUT';
const MALFORMED_JSON = 'EVENT.MALFORMED_JSON';
const MAX_ERROR_HEADER_LENGTH = 1_000;

/**
 * Consumes one work queue: manual acks, bounded prefetch, a timeout per
 * handler, and every delivery ends in exactly one of ack (handled), a
 * confirmed republish to a retry tier then ack, or a confirmed republish to
 * the dead-letter queue then ack. A message is never acked before its next
 * home has confirmed it, so a crash anywhere loses nothing (at worst the
 * broker redelivers, and idempotent handlers absorb the duplicate).
 */
export class Subscription<Contract extends EventContract> {
  private channel: ConfirmChannel | undefined;
  private consumerTag: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    readonly queues: ServiceQueues,
    private readonly contracts: Contract | readonly Contract[],
    private readonly handler: EventHandler<Contract>,
    private readonly options: SubscriptionOptions,
    private readonly logger: Logger,
    private readonly onOutcome: OutcomeListener<Contract> = () => {},
  ) {}

  /** Starts consuming on a fresh channel of `model`; called again after every reconnect. */
  async start(model: ChannelModel, onChannelLost: (error: Error) => void): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => this.logger.error({ err: error }, 'consumer channel error'));
    channel.on('close', () => {
      if (this.channel === channel && this.consumerTag) onChannelLost(new Error('consumer channel closed'));
    });
    await channel.prefetch(this.options.prefetch);
    const publisher = new ConfirmPublisher(channel);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.queues.workQueue, (message) => {
      if (message) this.track(this.process(channel, publisher, message));
    });
    this.consumerTag = consumerTag;
    this.logger.info({ queue: this.queues.workQueue, prefetch: this.options.prefetch }, 'consuming');
  }

  /** Stops taking deliveries and waits up to `timeoutMs` for the ones in progress. */
  async stop(timeoutMs: number): Promise<void> {
    const { channel, consumerTag } = this;
    this.consumerTag = undefined;
    if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.all(this.inFlight).then(() => true);
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const finished = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (!finished) {
      this.logger.warn(
        { inFlight: this.inFlight.size, timeoutMs },
        'shutdown timeout: unfinished messages return to the queue',
      );
    }
    // Close the channel and wait for the broker's close-ok before the
    // connection goes: acks sent just before a bare connection close were
    // found lost (the messages came back), while a closed channel keeps them.
    this.channel = undefined;
    await channel?.close().catch(() => {});
  }

  private track(work: Promise<void>) {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async process(channel: ConfirmChannel, publisher: ConfirmPublisher, message: ConsumeMessage) {
    const headers = message.properties.headers ?? {};
    const attempt = numberHeader(headers, HEADERS.attempt) ?? 1;
    const log = this.logger.child({
      messageId: message.properties.messageId,
      correlationId: headers[HEADERS.correlationId],
      attempt,
    });
    const settle = new Settler(channel, publisher, message, this.queues, log);

    // Crash-loop guard. A quorum queue counts how often a message came back
    // without an outcome. RabbitMQ 4.3+ no longer counts returns caused by a
    // dead consumer towards its own delivery limit (they appear only in
    // x-acquired-count), so the guard reads both counters and parks the
    // message itself. The broker's x-delivery-limit stays as a backstop.
    const returns = Math.max(
      numberHeader(headers, HEADERS.deliveryCount) ?? 0,
      numberHeader(headers, HEADERS.acquiredCount) ?? 0,
    );
    if (returns >= this.options.deliveryLimit) {
      const error = `delivered ${returns + 1} times without an outcome; a consumer probably died while handling it`;
      return this.park(settle, attempt, 'delivery-limit', error, 'MESSAGING.DELIVERY_LIMIT');
    }

    let body: unknown;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      return this.park(
        settle,
        attempt,
        'malformed-json',
        `malformed JSON: ${errorMessage(error)}`,
        MALFORMED_JSON,
      );
    }
    let event: EventOf<Contract>;
    try {
      event = parseEvent(this.contracts, body);
    } catch (error) {
      return this.park(settle, attempt, 'schema-invalid', errorMessage(error), EVENT_SCHEMA_INVALID);
    }

    const startedAt = performance.now();
    const labels = { service: this.queues.service, queue: this.queues.workQueue };
    const observeDuration = (outcome: 'handled' | 'failed') =>
      messagingMetrics.handlerDuration.observe(
        { ...labels, outcome },
        (performance.now() - startedAt) / 1000,
      );
    try {
      await this.runHandler(event, { log, attempt });
      settle.ack();
      observeDuration('handled');
      messagingMetrics.handled.inc(labels);
      log.info({ durationMs: Math.round(performance.now() - startedAt) }, 'handled');
      this.onOutcome({ kind: 'handled', attempt }, event);
    } catch (error) {
      observeDuration('failed');
      messagingMetrics.failed.inc({ ...labels, code: errorCode(error) });
      const outcome = decideAfterFailure(error, attempt, this.queues.retryQueues);
      log.warn({ err: error, action: outcome.action }, 'handler failed');
      if (outcome.action === 'dead-letter') {
        return this.park(settle, attempt, outcome.reason, errorMessage(error), errorCode(error), event);
      }
      await settle.retry(outcome.queue.name, outcome.nextAttempt, error);
      messagingMetrics.retried.inc({ ...labels, tier: outcome.queue.tier.label });
      this.onOutcome(
        { kind: 'retry-scheduled', attempt, delay: outcome.queue.tier.label, error: errorMessage(error) },
        event,
      );
    }
  }

  private async park(
    settle: Settler,
    attempt: number,
    reason: DeadLetterReason,
    error: string,
    code: string,
    event?: EventOf<Contract>,
  ) {
    await settle.deadLetter(reason, attempt, error, code);
    messagingMetrics.deadLettered.inc({ service: this.queues.service, queue: this.queues.workQueue, reason });
    this.onOutcome({ kind: 'dead-lettered', attempt, reason, error }, event);
  }

  private async runHandler(event: EventOf<Contract>, context: Omit<HandlerContext, 'signal'>) {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          retryableError(HANDLER_TIMEOUT, `handler ran longer than ${this.options.handlerTimeoutMs} ms`),
        );
      }, this.options.handlerTimeoutMs);
    });
    try {
      await Promise.race([this.handler(event, { ...context, signal: controller.signal }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Ends one delivery. Republishing happens before the ack and waits for the
 * broker's confirm; if the republish fails, the delivery is requeued (the
 * crash-loop guard bounds how often that can happen).
 */
class Settler {
  constructor(
    private readonly channel: ConfirmChannel,
    private readonly publisher: ConfirmPublisher,
    private readonly message: ConsumeMessage,
    private readonly queues: ServiceQueues,
    private readonly log: Logger,
  ) {}

  ack() {
    // After a reconnect the channel is gone; the broker has already requeued the message.
    try {
      this.channel.ack(this.message);
    } catch (error) {
      this.log.warn({ err: error }, 'could not ack: channel closed, the broker will redeliver');
    }
  }

  retry(queue: string, nextAttempt: number, error: unknown) {
    const headers = this.message.properties.headers ?? {};
    return this.republish(queue, {
      [HEADERS.attempt]: nextAttempt,
      [HEADERS.firstFailureAt]: headers[HEADERS.firstFailureAt] ?? new Date().toISOString(),
      [HEADERS.lastError]: truncate(errorMessage(error)),
      [HEADERS.lastErrorCode]: errorCode(error),
    });
  }

  deadLetter(reason: DeadLetterReason, attempt: number, error: string, code: string) {
    const headers = this.message.properties.headers ?? {};
    this.log.error({ reason, error }, 'dead-lettered');
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

  private async republish(queue: string, extraHeaders: Record<string, unknown>) {
    const { properties, content } = this.message;
    try {
      // The default exchange ("") routes to the queue named by the routing key.
      await this.publisher.publish('', queue, content, {
        ...republishableProperties(properties),
        messageId: String(properties.messageId ?? ''),
        headers: { ...withoutQueueCounters(properties.headers), ...extraHeaders },
        persistent: true,
      });
      this.ack();
    } catch (error) {
      this.log.error({ err: error, queue }, 'republish failed; requeueing the delivery');
      try {
        this.channel.nack(this.message, false, true);
      } catch {
        // Channel already closed: the broker requeues the delivery itself.
      }
    }
  }
}

function truncate(text: string) {
  return text.length > MAX_ERROR_HEADER_LENGTH ? `${text.slice(0, MAX_ERROR_HEADER_LENGTH)}…` : text;
}
