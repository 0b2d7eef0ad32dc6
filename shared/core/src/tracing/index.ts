/**
 * OpenTelemetry for every process: spans around work, the W3C trace context
 * carried in HTTP and AMQP headers, and the SDK's start and stop. Without
 * tracing configured, every helper is a no-op.
 */
export { type Span, SpanKind } from '@opentelemetry/api';
export { failSpan, inSpan } from './in-span';
export { logFieldsOf, startSpan, withContext } from './manual-spans';
export { startTracing, stopTracing, tracingEnabled } from './start-tracing';
export { contextFrom, continueTrace } from './trace-context';
export { activeTraceparent, traceHeaders } from './trace-headers';
export type { SpanOptions } from './tracer';
export { type TracingConfig, tracesExporter, tracingVariables } from './tracing-variables';
