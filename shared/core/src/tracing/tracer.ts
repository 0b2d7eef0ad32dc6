import {
  type Attributes,
  type Context,
  INVALID_SPAN_CONTEXT,
  type SpanKind,
  trace,
} from '@opentelemetry/api';

/** The runtime's tracer, and what its helpers hand out when tracing is off. */
export const tracer = trace.getTracer('@shared/core');
export const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
export const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The span's parent; default: the active span. */
  parent?: Context;
}
