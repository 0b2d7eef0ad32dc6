import { inSpan, SpanKind } from '@shared/core/tracing';
import type { EventEnvelope } from '@shared/messaging';
import { outcomeOfStatus } from '../domain/delivery-outcome';
import { signWebhook } from '../domain/webhook-signature';
import { endpointUnavailable, rejected } from './webhook-errors';

export interface WebhookClientOptions {
  url: string;
  secret: string;
  /** One POST, connecting included; below the handler timeout. */
  timeoutMs: number;
}

export interface Delivered {
  deliveryId: string;
  /** The endpoint's host and port: its path and query may carry a token, so they are never reported. */
  endpoint: string;
  statusCode: number;
}

export interface WebhookClient {
  /** POSTs the event, signed; resolves on a 2xx, throws a retryable or permanent error otherwise. */
  deliver(event: EventEnvelope, signal: AbortSignal): Promise<Delivered>;
}

/** How much of an endpoint's refusal goes into the error (and so the dead letter). */
const REASON_CHARS = 200;

/**
 * The webhook-id is the event's id, the same on every attempt, retry and
 * replay, so the merchant drops a duplicate by it; the timestamp and the
 * signature are made again for each attempt (a replay days later must still
 * pass the receiver's 5-minute tolerance). Redirects are not followed: the
 * signature was made for this URL, and an endpoint that moved needs its
 * WEBHOOK_URL changed.
 */
export function createWebhookClient(options: WebhookClientOptions): WebhookClient {
  const target = new URL(options.url);
  return {
    deliver: (event, signal) =>
      inSpan(
        'webhook post',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'server.address': target.hostname, 'webhook.id': event.id },
        },
        () => post(event, signal),
      ),
  };

  async function post(event: EventEnvelope, signal: AbortSignal): Promise<Delivered> {
    const { id, type, version, occurredAt, correlationId, data } = event;
    const body = JSON.stringify({ id, type, version, occurredAt, correlationId, data });
    const deadline = AbortSignal.timeout(options.timeoutMs);
    let status: number;
    let answer: string;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook(options.secret, id, body) },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, deadline]),
      });
      status = response.status;
      // Read whole either way: it frees the connection, and a refusal's words go into the error.
      answer = (await response.text()).slice(0, REASON_CHARS);
    } catch (error) {
      throw deadline.aborted
        ? endpointUnavailable(`${target.host} did not answer within ${options.timeoutMs} ms`, error)
        : endpointUnavailable(`${target.host} could not be reached: ${networkReason(error)}`, error);
    }
    const said = `${target.host} answered ${status}${answer ? `: ${answer}` : ''}`;
    switch (outcomeOfStatus(status)) {
      case 'delivered':
        return { deliveryId: id, endpoint: target.host, statusCode: status };
      case 'retry':
        throw endpointUnavailable(said);
      case 'reject':
        throw rejected(said);
    }
  }
}

/** fetch fails with "fetch failed" and puts the socket's error (ECONNREFUSED, ECONNRESET...) in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
