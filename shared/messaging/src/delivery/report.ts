import { errorCode, errorMessage } from '@shared/core/errors';
import type { Logger } from '@shared/core/logging';
import { controlMetrics, messagingMetrics } from '@shared/core/metrics';
import type { ConfirmChannel, Message } from 'amqplib';
import type { ConsumerSetup, Priority } from '../consumer';
import type { EventContract, EventEnvelope } from '../events';
import { type DeadLetterReason, HEADERS, numberHeader } from '../headers';
import type { InboxTransaction } from '../inbox';
import { attemptStarting, type OutcomeReporter, type ReportedAttempt } from '../outcomes';
import type { ServiceQueues } from '../topology';

/**
 * What deliveries tell the rest of the system: the queue's metrics, the
 * consumer's outcome events (a task's; a job's outcome is never reported,
 * so callers pass no event for one) and, on every handler run, the circuit
 * breaker's feedback.
 */
export class DeliveryReport {
  readonly metrics: ReturnType<typeof metricsFor>;
  private readonly reporter: OutcomeReporter | undefined;
  private readonly onHandled: ((code: string | undefined, error?: string) => void) | undefined;

  constructor(
    setup: Pick<ConsumerSetup<EventContract, unknown, InboxTransaction>, 'queues' | 'reporter' | 'onHandled'>,
    private readonly publishOutcome: (event: EventEnvelope) => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.metrics = metricsFor(setup.queues);
    this.reporter = setup.reporter;
    this.onHandled = setup.onHandled;
  }

  /** Tells the circuit breaker how a handler run ended. */
  handlerSucceeded() {
    this.onHandled?.(undefined);
  }

  handlerFailed(failure: unknown) {
    this.onHandled?.(errorCode(failure), errorMessage(failure));
  }

  /** Publishes the completed event and waits for its confirm; a failure to is the caller's. */
  async completed(task: EventEnvelope | undefined, started: ReportedAttempt, result: unknown) {
    const outcome = task && this.reporter?.completed(task, started, result);
    if (outcome) await this.publishOutcome(outcome);
  }

  retried(tier: string, task: EventEnvelope | undefined, started: ReportedAttempt, error: string) {
    this.metrics.retried(tier);
    this.outcome(task && this.reporter?.failed(task, started, error, tier));
  }

  deadLettered(
    reason: DeadLetterReason,
    task: EventEnvelope | undefined,
    reported: ReportedAttempt,
    error: string,
  ) {
    this.metrics.deadLettered(reason);
    if (task) this.outcome(this.reporter?.deadLettered(task, reported, error, reason));
  }

  /**
   * A message the broker dead-lettered on its own (its delivery limit, when
   * no consumer of ours could park it first): its copy on the dead-letter
   * exchange is reported as dead-lettered, then acked. Best effort, like
   * every failure report: the message itself is in the DLQ either way.
   */
  async brokerDeadLettered(channel: ConfirmChannel, message: Message, task: EventEnvelope | undefined) {
    const headers = message.properties.headers ?? {};
    const reason = String(headers['x-first-death-reason'] ?? 'unknown');
    const deliveries =
      numberHeader(headers, HEADERS.deliveryCount) ?? numberHeader(headers, HEADERS.acquiredCount);
    const error = `dead-lettered by RabbitMQ (${reason}${deliveries === undefined ? '' : ` after ${deliveries + 1} deliveries`})`;
    const outcome =
      task && this.reporter?.deadLettered(task, attemptStarting(headers), error, 'delivery-limit');
    if (outcome) {
      await this.publishOutcome(outcome).catch((failure: unknown) =>
        this.logger.warn({ err: failure, type: outcome.type }, 'could not report a broker dead letter'),
      );
    }
    try {
      channel.ack(message);
    } catch {
      // Channel gone: the copy comes back and is reported again.
    }
  }

  /**
   * Failure outcomes are a projection: the message already sits in its retry
   * tier or DLQ, so a report the broker refuses is logged, not retried.
   */
  private outcome(outcome: EventEnvelope | undefined) {
    if (!outcome) return;
    this.publishOutcome(outcome).catch((error: unknown) =>
      this.logger.warn({ err: error, type: outcome.type }, 'could not report a task outcome'),
    );
  }
}

/** The metric series of one queue, resolved once rather than per message. */
function metricsFor(queues: ServiceQueues) {
  const labels = { service: queues.service, queue: queues.workQueue };
  const handledCount = messagingMetrics.handled.labels(labels);
  const handledDuration = messagingMetrics.handlerDuration.labels({ ...labels, outcome: 'handled' });
  const failedDuration = messagingMetrics.handlerDuration.labels({ ...labels, outcome: 'failed' });
  const lag = messagingMetrics.eventLag.labels(labels);
  const seconds = (since: number) => (performance.now() - since) / 1000;
  return {
    handled(startedAt: number, occurredAt: number) {
      handledDuration.observe(seconds(startedAt));
      handledCount.inc();
      if (Number.isFinite(occurredAt)) lag.observe(Math.max(0, (Date.now() - occurredAt) / 1000));
    },
    failed(startedAt: number, code: string) {
      failedDuration.observe(seconds(startedAt));
      messagingMetrics.failed.inc({ ...labels, code });
    },
    retried: (tier: string) => messagingMetrics.retried.inc({ ...labels, tier }),
    putBack: () => controlMetrics.putBack.inc({ service: queues.service }),
    waited: (priority: Priority, since: number) =>
      controlMetrics.rateLimitWait.observe({ service: queues.service, priority }, seconds(since)),
    deadLettered: (reason: string) => messagingMetrics.deadLettered.inc({ ...labels, reason }),
  };
}
