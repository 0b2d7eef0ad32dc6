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
