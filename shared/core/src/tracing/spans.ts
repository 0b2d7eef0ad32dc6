import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { tracingEnabled } from './start-tracing';

export type { Span };
export { SpanKind };

const tracer = trace.getTracer('@shared/core');
const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The span's parent; default: the active span. */
  parent?: Context;
}

/**
 * Runs `work` in a span of its own, active for everything `work` awaits
 * (database queries, publishes), and ends it when `work` settles; a thrown
 * error marks the span failed. Without tracing, just runs `work`.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work(NOOP_SPAN);
  const { parent = context.active(), ...spanOptions } = options;
  return tracer.startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error that ended it. */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

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

/** Runs `work` as a continuation of the trace `traceparent` names (a new trace when it names none). */
export function continueTrace<T>(traceparent: string | null | undefined, work: () => T): T {
  if (!tracingEnabled()) return work();
  return context.with(contextFrom(traceparent ? { traceparent } : undefined), work);
}

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
