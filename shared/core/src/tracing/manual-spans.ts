import { type Context, context, type Span, trace } from '@opentelemetry/api';
import { tracingEnabled } from './start-tracing';
import { NO_HEADERS, type SpanOptions, tracer } from './tracer';

/**
 * A span the caller ends itself (a request's, when its answer has gone), and
 * the context that makes it the parent of what runs inside `withContext`.
 */
export function startSpan(name: string, options: SpanOptions): { span: Span; context: Context } {
  const { parent = context.active(), ...spanOptions } = options;
  const span = tracer.startSpan(name, spanOptions, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `work` with `parent` as the active context. */
export function withContext<T>(parent: Context, work: () => T): T {
  return context.with(parent, work);
}

/** A span's ids for the log lines of its work (none without tracing), so a line leads to its trace. */
export function logFieldsOf(span: Span): Readonly<{ traceId?: string; spanId?: string }> {
  if (!tracingEnabled()) return NO_HEADERS;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
