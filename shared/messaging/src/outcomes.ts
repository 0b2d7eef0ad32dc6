import type { MessageProperties } from 'amqplib';
import { createEvent, type EventEnvelope } from './events';
import { attemptAcrossRuns } from './headers';
import type { Registry } from './registry';

/** One attempt as its outcome event reports it. */
export interface ReportedAttempt {
  /** Its number across every run of the message: the attempts made before a replay from the DLQ count too. */
  attempt: number;
  /** When the handler started it; for a message parked before it reached the handler, when it was delivered. */
  startedAt: Date;
}

/**
 * The attempt a delivery is, as outcome events number it, starting now.
 * `x-attempt` counts within the message's current run and chooses its retry
 * tier, so a replay sets it back to 1; the replay keeps the attempts made
 * before in `x-prior-attempts`, and the two add up to the order's count.
 */
export function attemptStarting(
  headers: MessageProperties['headers'],
  startedAt: Date = new Date(),
): ReportedAttempt {
  return { attempt: attemptAcrossRuns(headers), startedAt };
}

/**
 * Turns what became of a delivery into the consumer's outcome event, the
 * same way for every consumer and every kind: the subject, the attempt and
 * when it started and finished, plus the handler's result (completed), the
 * retry tier (failed) or the reason (dead-lettered). Undefined where there
 * is nothing to report: a consumer without a task, or an event whose data
 * names no subject.
 */
export class OutcomeReporter {
  constructor(
    private readonly registry: Registry,
    private readonly service: string,
  ) {}

  completed(event: EventEnvelope, attempt: ReportedAttempt, result: unknown): EventEnvelope | undefined {
    const contract = this.registry.outcomesOf(this.service)?.completed;
    return contract && this.create(contract, event, attempt, { ...(result as object) });
  }

  failed(
    event: EventEnvelope,
    attempt: ReportedAttempt,
    error: string,
    retryIn: string,
  ): EventEnvelope | undefined {
    const contract = this.registry.outcomesOf(this.service)?.failed;
    return contract && this.create(contract, event, attempt, { error, retryIn });
  }

  deadLettered(
    event: EventEnvelope,
    attempt: ReportedAttempt,
    error: string,
    reason: string,
  ): EventEnvelope | undefined {
    const contract = this.registry.outcomesOf(this.service)?.deadLettered;
    return contract && this.create(contract, event, attempt, { error, reason });
  }

  private create(
    contract: Parameters<typeof createEvent>[0],
    event: EventEnvelope,
    { attempt, startedAt }: ReportedAttempt,
    data: Record<string, unknown>,
  ): EventEnvelope | undefined {
    const subject = this.registry.subjectOf(event);
    if (subject === undefined) return undefined;
    return createEvent(
      contract,
      {
        ...data,
        [this.registry.subject.key]: subject,
        attempt,
        startedAt: startedAt.toISOString(),
        // The outcome is settled when it is reported: after the confirmed republish for a failure.
        finishedAt: new Date().toISOString(),
      },
      { correlationId: event.correlationId },
    );
  }
}
