import type { MessageProperties } from 'amqplib';

/**
 * Headers the messaging core writes on a message as it moves between the work
 * queue, the retry tiers and the dead-letter queue. Operators read them in the
 * DLQ; the consumer reads `attempt` to choose the next tier.
 */
export const HEADERS = {
  correlationId: 'x-correlation-id',
  traceparent: 'traceparent',
  /** The attempt this delivery is (1 for the first). */
  attempt: 'x-attempt',
  firstFailureAt: 'x-first-failure-at',
  lastError: 'x-last-error',
  lastErrorCode: 'x-last-error-code',
  deadLetterReason: 'x-dead-letter-reason',
  deadLetteredAt: 'x-dead-lettered-at',
  deadLetteredBy: 'x-dead-lettered-by',
  /** Set by quorum queues: returns of a message (RabbitMQ 3.10 to 4.2: every return; 4.3+: failed ones). */
  deliveryCount: 'x-delivery-count',
  /** Set by quorum queues since RabbitMQ 4.3: every return, including those of a consumer that died. */
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
