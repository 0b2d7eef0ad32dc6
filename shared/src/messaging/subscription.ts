import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import type { ConsumerMode } from '../controls';
import { errorCode, errorMessage } from '../errors';
import type { EventContract, EventEnvelope } from '../events';
import type { Logger } from '../logging';
import { contextFrom, failSpan, inSpan, logFieldsOf, type Span, SpanKind, withContext } from '../tracing';
import { ConfirmPublisher } from './confirm-publisher';
import type { ConsumerSetup } from './consumer';
import { Decoder } from './delivery/decode';
import { DeliveryReport } from './delivery/report';
import { HandlerRunner } from './delivery/run';
import { type DeadLetter, Settler } from './delivery/settle';
import { HEADERS, numberHeader } from './headers';
import { type InboxTransaction, inboxHolds } from './inbox';
import { attemptStarting, type ReportedAttempt } from './outcomes';
import { decideAfterFailure } from './retry-policy';
import type { ServiceQueues } from './topology';

export interface SubscriptionOptions {
  prefetch: number;
  handlerTimeoutMs: number;
  deliveryLimit: number;
}

/** What the rest of the process may do with a running subscription. */
export interface ConsumerHandle {
  /** Consume, hold (take nothing new; in-flight messages finish) or probe one message at a time. */
  setMode(mode: ConsumerMode): void;
}

/**
 * Consumes one work queue: manual acks, bounded prefetch, a timeout per
 * handler, and every delivery ends in exactly one of: the completed event
 * confirmed, then ack; a confirmed republish to a retry tier, then ack; a
 * confirmed republish to the dead-letter queue, then ack. A message is never
 * acked before its next home has confirmed it, so a crash anywhere loses
 * nothing (at worst the broker redelivers, and idempotent handlers absorb the
 * duplicate). Failure outcomes are reported only once the republish they
 * describe is confirmed.
 */
export class Subscription<Contract extends EventContract, Result, Tx extends InboxTransaction>
  implements ConsumerHandle
{
  private channel: ConfirmChannel | undefined;
  private publisher: ConfirmPublisher | undefined;
  /** The consumers of the work queue and the job queue, while consuming. */
  private consumerTags: string[] = [];
  private mode: ConsumerMode = 'consume';
  /** Mode changes are applied one after another, in order. */
  private applying: Promise<void> = Promise.resolve();
  private probing = false;
  private stopped = false;
  private readonly decoder: Decoder<Contract>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly report: DeliveryReport;
  private readonly runner: HandlerRunner<Contract, Result, Tx>;
  /** The latest delivery: when it came, and how long it had waited in the work queue. */
  private lastDelivery: { at: number; waitedMs: number } | undefined;

  constructor(
    private readonly setup: ConsumerSetup<Contract, Result, Tx>,
    private readonly options: SubscriptionOptions,
    private readonly logger: Logger,
    publishOutcome: (event: EventEnvelope) => Promise<void>,
  ) {
    this.report = new DeliveryReport(setup, publishOutcome, logger);
    this.runner = new HandlerRunner(setup, options.handlerTimeoutMs, this.report);
    this.decoder = new Decoder(setup.contracts, setup.jobs?.contracts);
  }

  get queues(): ServiceQueues {
    return this.setup.queues;
  }

  /**
   * How long the oldest ready message has waited, given how many are ready.
   * The queue hands out messages in order, so the latest delivery's wait,
   * plus the time since it came, is the head's wait; it keeps growing while
   * nothing is delivered (a paused or stuck consumer). Undefined before the
   * first delivery.
   */
  oldestAgeSeconds(ready: number): number | undefined {
    if (ready === 0) return 0;
    if (!this.lastDelivery) return undefined;
    return (this.lastDelivery.waitedMs + Date.now() - this.lastDelivery.at) / 1000;
  }

  /** Starts consuming on a fresh channel of `model`; called again after every reconnect. */
  async start(model: ChannelModel, onChannelLost: (error: Error) => void): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => this.logger.error({ err: error }, 'consumer channel error'));
    channel.on('close', () => {
      if (this.channel === channel && !this.stopped) onChannelLost(new Error('consumer channel closed'));
    });
    // Per consumer: the work queue and the job queue each have this many
    // messages in flight at most. Never global: RabbitMQ 3.10 to 4.2 close
    // the connection of a channel with a global prefetch that consumes a
    // quorum queue, and 4.3 ignores the flag (docs/messaging.md).
    await channel.prefetch(this.options.prefetch);
    this.channel = channel;
    this.publisher = new ConfirmPublisher(channel);
    this.consumerTags = [];
    this.onBrokerCancel = () =>
      onChannelLost(new Error(`the broker cancelled a consumer of ${this.queues.workQueue}`));
    const reports = this.queues.brokerDeadLetterQueue;
    if (this.setup.reporter && reports) {
      await channel.consume(reports, (message) => {
        if (message)
          this.track(
            withContext(contextFrom(message.properties.headers), () =>
              this.report.brokerDeadLettered(
                channel,
                message,
                this.decoder.taskOnly(this.decoder.tryParse(message)),
              ),
            ),
          );
        else this.onBrokerCancel();
      });
    }
    // In turn with mode changes: one made while this start consumes must wait
    // for it, or it would find no consumer yet to cancel. A failure here fails
    // the start (the broker reconnects); the turns go on.
    const started = this.applying.then(() => this.apply(channel));
    this.applying = started.catch(() => {});
    await started;
  }

  /**
   * A null delivery is the broker cancelling the consumer (its queue was
   * deleted, for one): treated as a lost channel, so the reconnect declares
   * the queue again and consuming resumes, instead of a consumer silently dead.
   * https://www.rabbitmq.com/docs/consumer-cancel
   */
  private onBrokerCancel: () => void = () => {};

  setMode(mode: ConsumerMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    const { channel } = this;
    if (channel) this.applying = this.applying.then(() => this.apply(channel)).catch(() => {});
  }

  /** Makes the channel's consumers match the mode. */
  private async apply(channel: ConfirmChannel) {
    if (this.channel !== channel || this.stopped) return;
    const { workQueue, jobQueue } = this.queues;
    if (this.mode === 'consume' && this.consumerTags.length === 0) {
      for (const queue of [workQueue, ...(jobQueue ? [jobQueue.name] : [])]) {
        const { consumerTag } = await channel.consume(queue, (message) => {
          if (message) this.track(this.process(channel, this.publisher!, message, { queue }));
          else this.onBrokerCancel();
        });
        this.consumerTags.push(consumerTag);
      }
      this.logger.info({ jobQueue: jobQueue?.name, prefetch: this.options.prefetch }, 'consuming');
    } else if (this.mode !== 'consume' && this.consumerTags.length > 0) {
      const tags = this.consumerTags;
      this.consumerTags = [];
      for (const tag of tags) await channel.cancel(tag);
      this.logger.info({ mode: this.mode }, 'holding: messages wait in the queue');
    }
    if (this.mode === 'probe' && !this.probing) void this.probe(channel);
  }

  /**
   * Half-open circuit: takes one message (work queue first, then jobs) with
   * basic.get and handles it, then waits for the verdict to change the mode.
   * One message at a time, and none prefetched that would have to be
   * returned if the probe fails.
   */
  private async probe(channel: ConfirmChannel) {
    this.probing = true;
    try {
      const { workQueue, jobQueue } = this.queues;
      const queues = [workQueue, ...(jobQueue ? [jobQueue.name] : [])];
      while (this.mode === 'probe' && this.channel === channel && !this.stopped) {
        let taken: { message: Message; queue: string } | undefined;
        for (const queue of queues) {
          const message = await channel.get(queue);
          if (message) {
            taken = { message, queue };
            break;
          }
        }
        if (!taken) {
          await sleep(500);
          continue;
        }
        const { message, queue } = taken;
        this.logger.info({ messageId: message.properties.messageId }, 'probing with one message');
        const work = this.process(channel, this.publisher!, message, { queue, probe: true });
        this.track(work);
        await work;
        for (let waited = 0; this.mode === 'probe' && waited < 5_000; waited += 100) await sleep(100);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'probe interrupted');
    } finally {
      this.probing = false;
    }
  }

  /**
   * Healthy: false before the first start, after a stop, and while a lost
   * channel is being replaced. A replica that holds on purpose (paused, its
   * circuit open) is healthy.
   */
  get consuming(): boolean {
    return this.channel !== undefined && (this.mode !== 'consume' || this.consumerTags.length > 0);
  }

  /**
   * Stops taking deliveries and waits for the ones in progress: each ends
   * within its handler's timeout and the transaction grace, and the stop
   * waits at least that long (`shutdownTimeoutMs`), so a message is never
   * handed back to the queue while its handler may still be sending. Only a
   * handler that ignores its signal outlasts `timeoutMs`; its message then
   * returns to the queue with the channel. Deliveries still waiting for a
   * rate-limit turn were released when the limiter closed, before this.
   */
  async stop(timeoutMs: number): Promise<void> {
    const { channel } = this;
    const tags = this.consumerTags;
    this.stopped = true;
    this.consumerTags = [];
    for (const tag of tags) await channel?.cancel(tag).catch(() => {});
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
        'shutdown timeout: a handler ignored its signal; its message returns to the queue',
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

  /**
   * One delivery, traced as a consumer span that continues the producer's
   * trace (the `traceparent` header, kept through retry tiers and replays):
   * the handler's queries and the outcome event it publishes are its children.
   */
  private process(
    channel: ConfirmChannel,
    publisher: ConfirmPublisher,
    message: Message,
    options: DeliveryOptions,
  ): Promise<void> {
    const { properties, fields } = message;
    return inSpan(
      `process ${properties.type ?? fields.routingKey}`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextFrom(properties.headers),
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.consumer.group.name': this.queues.service,
          'messaging.rabbitmq.destination.routing_key': fields.routingKey,
          'messaging.message.id': String(properties.messageId ?? ''),
          attempt: numberHeader(properties.headers, HEADERS.attempt) ?? 1,
        },
      },
      (span) => this.handle(channel, publisher, message, span, options),
    );
  }

  private async handle(
    channel: ConfirmChannel,
    publisher: ConfirmPublisher,
    message: Message,
    span: Span,
    { probe = false, queue }: DeliveryOptions,
  ) {
    const headers = message.properties.headers ?? {};
    const attempt = numberHeader(headers, HEADERS.attempt) ?? 1;
    const delivered = attemptStarting(headers);
    const now = Date.now();
    const enqueuedAt =
      numberHeader(headers, HEADERS.enqueuedAt) ?? (message.properties.timestamp ?? 0) * 1000;
    this.lastDelivery = { at: now, waitedMs: enqueuedAt > 0 ? Math.max(0, now - enqueuedAt) : 0 };
    // A child logger per message costs a serialisation; most messages never log.
    let log: Logger | undefined;
    const logOf = () =>
      (log ??= this.logger.child({
        messageId: message.properties.messageId,
        correlationId: headers[HEADERS.correlationId],
        attempt,
        ...logFieldsOf(span),
      }));
    const settle = new Settler(channel, publisher, message, this.queues, logOf);

    // Crash-loop guard. A quorum queue counts how often a message came back
    // without an outcome: in x-delivery-count (RabbitMQ 4.3+: failed
    // deliveries, a consumer that went away included) and, since 4.3, every
    // return in x-acquired-count. The guard reads both and parks the message
    // itself, one return before the broker's x-delivery-limit, which stays as
    // a backstop (docs/messaging.md, "Crash loops").
    // An event the inbox already holds is no crash loop: its effect committed,
    // and it came back only because its acks were lost with their channels
    // (seen when nodes of a cluster die one after another). It runs as the
    // duplicate it is, which acks it (and, for a task, reports its outcome
    // again); a job the same way, since its inbox key is its event id too. Up
    // to twice the limit, for returns the broker does not count (4.3+: a
    // basic.nack requeue), so a handler that kills the process even on a
    // duplicate is parked all the same.
    const returns = Math.max(
      numberHeader(headers, HEADERS.deliveryCount) ?? 0,
      numberHeader(headers, HEADERS.acquiredCount) ?? 0,
    );
    const { deliveryLimit } = this.options;
    if (returns >= deliveryLimit) {
      const event = this.decoder.tryParse(message);
      if (!(event && returns < 2 * deliveryLimit && (await this.alreadyHandled(event)))) {
        const error = `delivered ${returns + 1} times without an outcome; a consumer probably died while handling it`;
        return this.park(
          settle,
          attempt,
          delivered,
          { reason: 'delivery-limit', error, code: 'MESSAGING.DELIVERY_LIMIT' },
          this.decoder.taskOnly(event),
        );
      }
    }

    const decoded = this.decoder.decode(message);
    if ('reason' in decoded) return this.park(settle, attempt, delivered, decoded);
    const { event, isJob } = decoded;
    // A job's outcome is not a task's: it is never reported.
    const task = isJob ? undefined : event;

    if (this.setup.rateLimiter) {
      const waitedFrom = performance.now();
      let turn: number;
      try {
        turn = await this.setup.rateLimiter.acquire(isJob ? 'jobs' : 'main');
      } catch {
        // The process is stopping: the message goes back to the queue with the channel.
        return;
      }
      this.report.metrics.waited(isJob ? 'jobs' : 'main', waitedFrom);
      logOf().debug({ turn }, 'rate limit turn');
    }

    if (!probe && this.mode !== 'consume') return this.putBack(channel, settle, queue);

    const startedAt = performance.now();
    const started = attemptStarting(headers);
    try {
      const result = await this.runner.run(event, attempt, logOf, isJob);
      // The completed event goes out before the ack: if it cannot, the
      // attempt fails and its retry (a duplicate to the inbox) reports again.
      await this.report.completed(task, started, result);
      settle.ack();
      this.report.metrics.handled(startedAt, Date.parse(event.occurredAt));
      logOf().debug({ durationMs: Math.round(performance.now() - startedAt) }, 'handled');
    } catch (error) {
      failSpan(span, error);
      this.report.metrics.failed(startedAt, errorCode(error));
      const decision = decideAfterFailure(error, attempt, this.queues.retryQueues);
      logOf().warn({ err: error, action: decision.action }, 'handler failed');
      if (decision.action === 'dead-letter') {
        const deadLetter = { reason: decision.reason, error: errorMessage(error), code: errorCode(error) };
        return this.park(settle, attempt, started, deadLetter, task);
      }
      const { tier } = decision.queue;
      if (!(await settle.retry(decision.queue.name, decision.nextAttempt, error, tier.delayMs))) return;
      this.report.retried(tier.label, task, started, errorMessage(error));
    }
  }

  /**
   * A delivery the broker handed this replica just before a hold cancelled
   * its consumers (a pause, an open circuit): it goes back to the tail of its
   * queue, by the same confirmed republish that moves a failed message to a
   * retry tier, without running. So a holding replica keeps nothing: every
   * waiting message is in the queue, where operators and the autoscaler see
   * it, and the broker counts no consumer. No attempt is spent, and no
   * delivery counted, which a `basic.nack` with requeue would do on RabbitMQ
   * 3.10 to 4.2 (a service paused a few times could then park healthy
   * messages as a crash loop). On a stop or a lost channel it is left to the
   * broker, which returns it with the channel.
   */
  private async putBack(channel: ConfirmChannel, settle: Settler, queue: string) {
    if (this.stopped || this.channel !== channel) return;
    if (await settle.putBack(queue)) this.report.metrics.putBack();
  }

  private async park(
    settle: Settler,
    attempt: number,
    reported: ReportedAttempt,
    { reason, error, code }: DeadLetter,
    task?: EventEnvelope,
  ) {
    if (!(await settle.deadLetter(reason, attempt, error, code))) return;
    this.report.deadLettered(reason, task, reported, error);
  }

  /** Whether the service's inbox holds the event; when it cannot tell, no. */
  private async alreadyHandled(event: EventEnvelope): Promise<boolean> {
    const { inbox } = this.setup;
    if (!inbox) return false;
    return inboxHolds(inbox.db, inbox.schema, event.id).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not read the inbox');
      return false;
    });
  }
}

interface DeliveryOptions {
  /** The queue it came from. */
  queue: string;
  /** Taken by the circuit breaker's probe: handled whatever the mode. */
  probe?: boolean;
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
