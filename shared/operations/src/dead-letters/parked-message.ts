import { createHash } from 'node:crypto';
import type { ServiceQueues } from '@shared/messaging';
import { attemptAcrossRuns, HEADERS, republishableProperties, withoutQueueCounters } from '@shared/messaging';
import type { Message } from 'amqplib';

/** What became of a parked message: still parked, replayed, or discarded by an operator. */
export type DeadLetterState = 'parked' | 'replayed' | 'discarded';

/** A dead letter as an operator reads it: what it was, why it was parked, and what became of it. */
export interface DeadLetter {
  /** The store's own id for this parking: the same event parked again is a new dead letter. */
  id: string;
  service: string;
  /** The AMQP message id, which is the event id. */
  messageId: string;
  type: string | null;
  /** What the event is about: its data's subject field (an order id), when it has one. */
  subject: string | null;
  correlationId: string | null;
  /** Attempts made before the message was parked, earlier runs (before a replay) included. */
  attempts: number;
  /** `permanent-error`, `retries-exhausted`, ... (see docs/messaging.md). */
  reason: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  firstFailureAt: string | null;
  parkedAt: string;
  state: DeadLetterState;
  /** When it was replayed or discarded; null while parked. */
  settledAt: string | null;
}

/** A dead letter with everything it carries: for reading one message closely. */
export interface DeadLetterDetail extends DeadLetter {
  /** Every AMQP header as it was parked (the queue's delivery counters aside). */
  headers: Record<string, unknown>;
  contentType: string | null;
  /** The body: the parsed JSON event, or the raw text when it is not JSON (a malformed message). */
  body: unknown;
}

/** A delivery from a DLQ, read once into what the store keeps of it. */
export interface ParkedRecord {
  queue: string;
  service: string;
  fingerprint: string;
  messageId: string;
  type: string | null;
  subject: string | null;
  correlationId: string | null;
  attempts: number;
  reason: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  firstFailureAt: Date | null;
  parkedAt: Date;
  /** The properties a replay publishes again. */
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: Buffer;
}

/**
 * What the store keeps of a message delivered from a service's DLQ. Nothing
 * here may fail on what a message holds (the drain would hold it for ever):
 * any header may be missing or malformed, and text Postgres cannot store (NUL,
 * a lone UTF-16 surrogate) is replaced. The body is kept byte for byte.
 */
export function parkedRecord(
  queues: Pick<ServiceQueues, 'service' | 'deadLetterQueue'>,
  message: Message,
  subjectKey: string,
  now = new Date(),
): ParkedRecord {
  const { properties, content } = message;
  const headers = storable(withoutQueueCounters(properties.headers)) as Record<string, unknown>;
  const body = parseBody(content);
  const republishable = storable(republishableProperties(properties)) as Record<string, unknown>;
  const messageId = textOf(properties.messageId) ?? textOf(body?.id) ?? '';
  return {
    queue: queues.deadLetterQueue,
    service: queues.service,
    // The same copy delivered twice (its ack lost with a channel) has the same headers
    // and body; a new parking of the same event has new ones (its x-dead-lettered-at).
    fingerprint: createHash('sha256')
      .update(canonicalJson({ messageId, properties: republishable, headers }))
      .update(content)
      .digest('hex'),
    messageId,
    type: textOf(properties.type) ?? textOf(body?.type),
    subject: textOf((body?.data as Record<string, unknown> | undefined)?.[subjectKey]),
    correlationId: textOf(headers[HEADERS.correlationId]) ?? textOf(body?.correlationId),
    attempts: Math.max(1, Math.trunc(attemptAcrossRuns(headers))),
    // A message the broker dead-lettered itself carries its reason in x-first-death-reason.
    reason: textOf(headers[HEADERS.deadLetterReason]) ?? textOf(headers['x-first-death-reason']),
    lastError: textOf(headers[HEADERS.lastError]),
    lastErrorCode: textOf(headers[HEADERS.lastErrorCode]),
    firstFailureAt: dateOf(headers[HEADERS.firstFailureAt]),
    parkedAt: dateOf(headers[HEADERS.deadLetteredAt]) ?? now,
    properties: republishable,
    headers,
    body: content,
  };
}

/** The body of a parked message, if it is a JSON object (a malformed-json message is not). */
export function parseBody(content: Buffer): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(content.toString('utf8'));
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Headers read back from the store as amqplib publishes them: a byte array
 * (kept as JSON's `{type: 'Buffer', data}`) becomes a Buffer again. Timestamps
 * and everything else survive JSON as amqplib decoded them.
 */
export function revivedHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return revive(headers) as Record<string, unknown>;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.type === 'Buffer' && Array.isArray(record.data)) return Buffer.from(record.data as number[]);
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, revive(item)]));
}

/** A copy of `value` that jsonb accepts: strings without NUL or lone surrogates, Buffers as JSON. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Buffer.isBuffer(value)) return value.toJSON();
  if (Array.isArray(value)) return value.map(storable);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      storableText(key),
      storable(item),
    ]),
  );
}

function storableText(text: string): string {
  // \p{Cs} matches only unpaired surrogates under the u flag; paired ones form one code point.
  return text.replaceAll('\u0000', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD');
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? storableText(value) : null;
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** JSON with every object's keys in order, so equal headers always hash alike. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : item,
  );
}
