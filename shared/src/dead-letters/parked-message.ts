import type { GetMessage } from 'amqplib';
import { HEADERS, numberHeader } from '../messaging/headers';

/** A dead-lettered message as an operator reads it: what it was, and why it was parked. */
export interface ParkedMessage {
  /** The AMQP message id, which is the event id. */
  messageId: string;
  type: string | null;
  orderId: string | null;
  correlationId: string | null;
  /** Attempts made before the message was parked. */
  attempts: number;
  firstFailureAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  /** `permanent-error`, `retries-exhausted`, ... (see docs/messaging.md). */
  reason: string | null;
  deadLetteredAt: string | null;
}

/** Which parked messages a command acts on; every given criterion must match. */
export interface DeadLetterFilter {
  /** At most this many messages. */
  limit?: number;
  orderId?: string;
  /** Case-insensitive text searched in the last error and its code. */
  errorContains?: string;
}

export function describeParked(message: GetMessage): ParkedMessage {
  const { properties } = message;
  const headers = properties.headers ?? {};
  const body = parseBody(message.content);
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    messageId: String(properties.messageId ?? text(body?.id) ?? ''),
    type: text(properties.type) ?? text(body?.type),
    orderId: text((body?.data as Record<string, unknown> | undefined)?.orderId),
    correlationId: text(headers[HEADERS.correlationId]) ?? text(body?.correlationId),
    attempts: numberHeader(headers, HEADERS.attempt) ?? 1,
    firstFailureAt: text(headers[HEADERS.firstFailureAt]),
    lastError: text(headers[HEADERS.lastError]),
    lastErrorCode: text(headers[HEADERS.lastErrorCode]),
    reason: text(headers[HEADERS.deadLetterReason]),
    deadLetteredAt: text(headers[HEADERS.deadLetteredAt]),
  };
}

/** Whether `parked` meets the filter's criteria (the limit is the caller's to count). */
export function matchesFilter(parked: ParkedMessage, filter: DeadLetterFilter): boolean {
  if (filter.orderId !== undefined && parked.orderId !== filter.orderId) return false;
  if (filter.errorContains !== undefined) {
    const needle = filter.errorContains.toLowerCase();
    const haystack = `${parked.lastError ?? ''}\n${parked.lastErrorCode ?? ''}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

/** The body of a parked message, if it is a JSON object (a malformed-json message is not). */
function parseBody(content: Buffer): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(content.toString('utf8'));
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
