import { errorCode, errorMessage } from '@shared/core/errors';
import type { Logger } from '@shared/core/logging';
import { contextFrom, failSpan, inSpan, SpanKind } from '@shared/core/tracing';
import type { ConfirmChannel, Message } from 'amqplib';
import type { ConfirmPublisher } from '../confirm-publisher';
import type { ConsumerSetup } from '../consumer';
import type { EventContract, EventEnvelope } from '../events';
import { HEADERS, numberHeader } from '../headers';
import type { InboxTransaction } from '../inbox';
import { attemptStarting, type ReportedAttempt } from '../outcomes';
import { decideAfterFailure } from '../retry-policy';
import { Admission, type ConsumerState } from './admit';
import { type Decoded, Decoder } from './decode';
import { CrashLoopGuard, type Delivery, receive } from './guard';
import { DeliveryReport } from './report';
import { HandlerRunner } from './run';
import { type DeadLetter, Settler } from './settle';

/** Where a delivery came from. */
export interface DeliverySource {
  channel: ConfirmChannel;
  publisher: ConfirmPublisher;
  /** The queue it came from. */
  queue: string;
  /** Taken by the circuit breaker's probe: handled whatever the mode. */
  probe?: boolean;
}

/**
 * A delivery, stage by stage: guard, decode, admit, run, then settle and
 * report. A stage that ends the delivery settles it there; what that can be
 * is the subscription's promise (subscription.ts).
 */
export class DeliveryPipeline<Contract extends EventContract, Result, Tx extends InboxTransaction> {
  private readonly report: DeliveryReport;
  private readonly decoder: Decoder<Contract>;
  private readonly guard: CrashLoopGuard;
  private readonly admission: Admission;
  private readonly runner: HandlerRunner<Contract, Result, Tx>;
  private latest: { at: number; waitedMs: number } | undefined;

  constructor(
    private readonly setup: ConsumerSetup<Contract, Result, Tx>,
    options: { handlerTimeoutMs: number; deliveryLimit: number },
    state: ConsumerState,
    private readonly logger: Logger,
    publishOutcome: (event: EventEnvelope) => Promise<void>,
  ) {
    this.report = new DeliveryReport(setup, publishOutcome, logger);
    this.decoder = new Decoder(setup.contracts, setup.jobs?.contracts);
    this.guard = new CrashLoopGuard(options.deliveryLimit, this.decoder, setup.inbox, logger);
    this.admission = new Admission(setup.rateLimiter, state, this.report);
    this.runner = new HandlerRunner(setup, options.handlerTimeoutMs, this.report);
  }

  /** The latest delivery: when it came, and how long it had waited in the work queue. */
  get lastDelivery(): { at: number; waitedMs: number } | undefined {
    return this.latest;
  }

  /**
   * One delivery, traced as a consumer span that continues the producer's
   * trace (the `traceparent` header, kept through retry tiers and replays):
   * the handler's queries and the outcome event it publishes are its children.
   */
  deliver(message: Message, source: DeliverySource): Promise<void> {
    const { properties, fields } = message;
    return inSpan(
      `process ${properties.type ?? fields.routingKey}`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextFrom(properties.headers),
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.consumer.group.name': this.setup.queues.service,
          'messaging.rabbitmq.destination.routing_key': fields.routingKey,
          'messaging.message.id': String(properties.messageId ?? ''),
          attempt: numberHeader(properties.headers, HEADERS.attempt) ?? 1,
        },
      },
      (span) => {
        const delivery = receive(message, span, this.logger);
        this.latest = { at: delivery.receivedAt, waitedMs: delivery.waitedMs };
        return this.handle(delivery, source);
      },
    );
  }

  private async handle(delivery: Delivery, { channel, publisher, queue, probe = false }: DeliverySource) {
    const settle = new Settler(channel, publisher, delivery.message, this.setup.queues, delivery.log);
    const looping = await this.guard.check(delivery);
    if (looping) return this.park(delivery, settle, delivery.delivered, looping, looping.task);
    const decoded = this.decoder.decode(delivery.message);
    if ('reason' in decoded) return this.park(delivery, settle, delivery.delivered, decoded);
    const admitted = await this.admission.admit(delivery, decoded.isJob, channel, probe);
    if (admitted === 'leave') return;
    if (admitted === 'put-back') {
      if (await settle.putBack(queue)) this.report.metrics.putBack();
      return;
    }
    await this.attempt(delivery, settle, decoded);
  }

  /** A message the broker dead-lettered on its own: reported, then acked. */
  reportBrokerDeadLetter(channel: ConfirmChannel, message: Message): Promise<void> {
    const task = this.decoder.taskOnly(this.decoder.tryParse(message));
    return this.report.brokerDeadLettered(channel, message, task);
  }

  /** Runs the handler, then acks, or moves the message to its retry tier or the DLQ. */
  private async attempt(delivery: Delivery, settle: Settler, { event, isJob }: Decoded<Contract>) {
    // A job's outcome is not a task's: it is never reported.
    const task = isJob ? undefined : event;
    const { attempt, log } = delivery;
    const startedAt = performance.now();
    const started = attemptStarting(delivery.headers);
    try {
      const result = await this.runner.run(event, attempt, log, isJob);
      // The completed event goes out before the ack: if it cannot, the
      // attempt fails and its retry (a duplicate to the inbox) reports again.
      await this.report.completed(task, started, result);
      settle.ack();
      this.report.metrics.handled(startedAt, Date.parse(event.occurredAt));
      log().debug({ durationMs: Math.round(performance.now() - startedAt) }, 'handled');
    } catch (error) {
      failSpan(delivery.span, error);
      this.report.metrics.failed(startedAt, errorCode(error));
      const decision = decideAfterFailure(error, attempt, this.setup.queues.retryQueues);
      log().warn({ err: error, action: decision.action }, 'handler failed');
      if (decision.action === 'dead-letter') {
        const deadLetter = { reason: decision.reason, error: errorMessage(error), code: errorCode(error) };
        return this.park(delivery, settle, started, deadLetter, task);
      }
      const { tier } = decision.queue;
      if (!(await settle.retry(decision.queue.name, decision.nextAttempt, error, tier.delayMs))) return;
      this.report.retried(tier.label, task, started, errorMessage(error));
    }
  }

  private async park(
    delivery: Delivery,
    settle: Settler,
    reported: ReportedAttempt,
    { reason, error, code }: DeadLetter,
    task?: EventEnvelope,
  ) {
    if (!(await settle.deadLetter(reason, delivery.attempt, error, code))) return;
    this.report.deadLettered(reason, task, reported, error);
  }
}
