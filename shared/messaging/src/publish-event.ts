import { BROKER_UNAVAILABLE, retryableError } from '@shared/core/errors';
import { inSpan, SpanKind, traceHeaders } from '@shared/core/tracing';
import type { ConfirmPublisher } from './confirm-publisher';
import type { EventEnvelope } from './events';
import { HEADERS } from './headers';

/**
 * Resolves once the broker has confirmed the event; rejects if it did not or
 * no queue is bound. Traced as a producer span, a child of the active span,
 * whose context travels in the `traceparent` header. `publisher` is read once
 * the span has started: undefined while disconnected.
 */
export async function publishEvent(
  publisher: () => ConfirmPublisher | undefined,
  eventsExchange: string,
  event: EventEnvelope,
  headers: Record<string, string>,
): Promise<void> {
  await inSpan(
    `publish ${event.type}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': eventsExchange,
        'messaging.rabbitmq.destination.routing_key': event.type,
        'messaging.message.id': event.id,
      },
    },
    async () => {
      const current = publisher();
      if (!current) throw retryableError(BROKER_UNAVAILABLE, 'not connected to RabbitMQ');
      await current.publish(eventsExchange, event.type, Buffer.from(JSON.stringify(event)), {
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        persistent: true,
        timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
        headers: {
          [HEADERS.correlationId]: event.correlationId,
          [HEADERS.enqueuedAt]: Date.now(),
          ...traceHeaders(),
          ...headers,
        },
      });
    },
  );
}
