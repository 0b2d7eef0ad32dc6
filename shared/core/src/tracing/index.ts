export {
  activeTraceparent,
  contextFrom,
  continueTrace,
  failSpan,
  inSpan,
  logFieldsOf,
  type Span,
  SpanKind,
  type SpanOptions,
  startSpan,
  traceHeaders,
  withContext,
} from './spans';
export { startTracing, stopTracing, tracingEnabled } from './start-tracing';
export { type TracingConfig, tracesExporter, tracingVariables } from './tracing-variables';
