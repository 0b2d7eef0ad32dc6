import { context, propagation } from '@opentelemetry/api';
import { tracingEnabled } from './start-tracing';
import { NO_HEADERS } from './tracer';

/** The active span's context as headers (`traceparent`, and `tracestate` when there is one); none without tracing. */
export function traceHeaders(): Readonly<Record<string, string>> {
  if (!tracingEnabled()) return NO_HEADERS;
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** The active span's `traceparent`, for a row that carries it to a later publish; null without one. */
export function activeTraceparent(): string | null {
  return traceHeaders().traceparent ?? null;
}
