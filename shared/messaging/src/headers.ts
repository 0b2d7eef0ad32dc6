import type { MessageProperties } from 'amqplib';

/**
 * Headers the messaging core writes on a message as it moves between the work
 * queue, the retry tiers and the dead-letter queue. Operators read them in the
 * DLQ; the consumer reads `attempt` to choose the next tier.
 */
export const HEADERS = {
  correlationId: 'x-correlation-id',
  traceparent: 'traceparent',
  /**
   * When the message became ready in the work queue (epoch ms): its publish,
   * or the moment its retry tier hands it back. The consumer reads it to tell
   * how long the oldest waiting message has waited.
   */
  enqueuedAt: 'x-enqueued-at',
  /**
   * The attempt this delivery is within its current run (1 for the first);
   * it chooses the retry tier, so a replay from the DLQ starts it at 1 again.
   */
  attempt: 'x-attempt',
  /**
   * Attempts made in earlier runs, before the message's latest replay from
   * a DLQ (absent: none). Outcome events number an attempt as this plus
   * `x-attempt`, so an order's attempts go on counting across a replay.
   */
  priorAttempts: 'x-prior-attempts',
  firstFailureAt: 'x-first-failure-at',
  lastError: 'x-last-error',
  lastErrorCode: 'x-last-error-code',
  deadLetterReason: 'x-dead-letter-reason',
  deadLetteredAt: 'x-dead-lettered-at',
  deadLetteredBy: 'x-dead-lettered-by',
  /**
   * Set by quorum queues: returns of a message (RabbitMQ 3.10 to 4.2: every
   * return; 4.3+: failed deliveries, a consumer that went away or a
   * basic.reject included, a basic.nack requeue not).
   */
  deliveryCount: 'x-delivery-count',
  /** Set by quorum queues since RabbitMQ 4.3: every return. */
  acquiredCount: 'x-acquired-count',
} as const;

export type DeadLetterReason =
  | 'malformed-json'
  | 'schema-invalid'
  | 'permanent-error'
  | 'retries-exhausted'
  | 'delivery-limit';

export function numberHeader(headers: Record<string, unknown> | undefined, name: string): number | undefined {
  const value = headers?.[name];
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * The attempt a message is on, counted across every run of it: the attempts
 * made before its latest replay from a DLQ plus its attempt in this run. In
 * a DLQ, the attempts made in all.
 */
export function attemptAcrossRuns(headers: Record<string, unknown> | undefined): number {
  return (numberHeader(headers, HEADERS.priorAttempts) ?? 0) + (numberHeader(headers, HEADERS.attempt) ?? 1);
}

/** The properties of a received message that a publish can set again (message id and headers aside). */
export function republishableProperties(properties: MessageProperties) {
  const { contentType, contentEncoding, correlationId, type, timestamp, appId, priority } = properties;
  return Object.fromEntries(
    Object.entries({ contentType, contentEncoding, correlationId, type, timestamp, appId, priority }).filter(
      ([, value]) => value !== undefined && value !== null,
    ),
  );
}

/**
 * A received message's headers without the quorum queue's own delivery
 * counters. They describe the copy that was delivered; carried onto a new
 * copy they would make the crash-loop guard park it at once.
 */
export function withoutQueueCounters(headers: MessageProperties['headers']): Record<string, unknown> {
  const {
    [HEADERS.deliveryCount]: _deliveryCount,
    [HEADERS.acquiredCount]: _acquiredCount,
    ...rest
  } = headers ?? {};
  return rest;
}
