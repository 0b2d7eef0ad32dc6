import type { GetMessage } from 'amqplib';
import { attemptAcrossRuns, HEADERS } from '../messaging/headers';

/** A dead-lettered message as an operator reads it: what it was, and why it was parked. */
export interface ParkedMessage {
  /** The AMQP message id, which is the event id. */
  messageId: string;
  type: string | null;
  /** What the event is about: its data's subject field (an order id), when it has one. */
  subject: string | null;
  correlationId: string | null;
  /** Attempts made before the message was parked, earlier runs (before a replay) included. */
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
  subject?: string;
  /** Case-insensitive text searched in the last error and its code. */
  errorContains?: string;
  /** Only these messages (AMQP message ids), e.g. the ones an operator ticked. */
  messageIds?: readonly string[];
}

/** A parked message with everything it carries: for reading one message closely. */
export interface ParkedMessageDetail extends ParkedMessage {
  /** Every AMQP header, as the broker delivers them. */
  headers: Record<string, unknown>;
  contentType: string | null;
  /** The body: the parsed JSON event, or the raw text when it is not JSON (a malformed message). */
  body: unknown;
}

/** Everything about one parked message: its description, headers and body. */
export function describeParkedInDetail(message: GetMessage, subjectKey: string): ParkedMessageDetail {
  const body = parseBody(message.content);
  return {
    ...describeParked(message, subjectKey),
    headers: { ...(message.properties.headers ?? {}) },
    contentType: typeof message.properties.contentType === 'string' ? message.properties.contentType : null,
    body: body ?? message.content.toString('utf8'),
  };
}

export function describeParked(message: GetMessage, subjectKey: string): ParkedMessage {
  const { properties } = message;
  const headers = properties.headers ?? {};
  const body = parseBody(message.content);
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    messageId: String(properties.messageId ?? text(body?.id) ?? ''),
    type: text(properties.type) ?? text(body?.type),
    subject: text((body?.data as Record<string, unknown> | undefined)?.[subjectKey]),
    correlationId: text(headers[HEADERS.correlationId]) ?? text(body?.correlationId),
    attempts: attemptAcrossRuns(headers),
    firstFailureAt: text(headers[HEADERS.firstFailureAt]),
    lastError: text(headers[HEADERS.lastError]),
    lastErrorCode: text(headers[HEADERS.lastErrorCode]),
    // A message the broker dead-lettered itself carries its reason in x-first-death-reason.
    reason: text(headers[HEADERS.deadLetterReason]) ?? text(headers['x-first-death-reason']),
    deadLetteredAt: text(headers[HEADERS.deadLetteredAt]),
  };
}

/** Whether `parked` meets the filter's criteria (the limit is the caller's to count). */
export function matchesFilter(parked: ParkedMessage, filter: DeadLetterFilter): boolean {
  if (filter.subject !== undefined && parked.subject !== filter.subject) return false;
  if (filter.messageIds !== undefined && !filter.messageIds.includes(parked.messageId)) return false;
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
