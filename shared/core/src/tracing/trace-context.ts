import { type Context, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { tracingEnabled } from './start-tracing';

/**
 * The trace context a carrier (HTTP or AMQP headers) holds, as a parent for
 * the spans its work starts. The W3C propagator validates `traceparent`
 * (version, lengths, hex, no all-zero ids): a malformed one is ignored and
 * the work starts a new trace, it is never an error.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 */
export function contextFrom(carrier: Record<string, unknown> | undefined): Context {
  if (!tracingEnabled() || !carrier) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier, {
    keys: (headers) => Object.keys(headers),
    // AMQP headers may hold other types than strings; only a string is a trace context.
    get: (headers, key) => {
      const value = headers[key];
      return typeof value === 'string' ? value : undefined;
    },
  });
}

/** Runs `work` as a continuation of the trace `traceparent` names (a new trace when it names none). */
export function continueTrace<T>(traceparent: string | null | undefined, work: () => T): T {
  if (!tracingEnabled()) return work();
  return context.with(contextFrom(traceparent ? { traceparent } : undefined), work);
}
