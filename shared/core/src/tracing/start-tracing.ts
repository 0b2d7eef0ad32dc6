import type { Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { PrismaInstrumentation, registerInstrumentations } from '@prisma/instrumentation';
import { type TracingConfig, tracesExporter } from './tracing-variables';

let provider: NodeTracerProvider | undefined;

/** Whether this process records spans; while false, every helper here returns at once. */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/**
 * Starts recording spans for `service` and sending them where the OTEL_*
 * variables say, or does nothing at all when the exporter is `none` (the
 * default without an endpoint): the OpenTelemetry API then stays the no-op it
 * is out of the box. Registers the W3C trace-context propagator and Prisma's
 * instrumentation (a span per query, below the span that ran it).
 * `exporter` replaces the configured one; tests pass an in-memory exporter.
 */
export function startTracing(service: string, config: TracingConfig, exporter?: SpanExporter): void {
  if (provider) return;
  const chosen = exporter ? 'given' : tracesExporter(config);
  if (chosen === 'none') return;
  provider = new NodeTracerProvider({
    // The environment's OTEL_RESOURCE_ATTRIBUTES, then the service's own name.
    resource: detectResources({ detectors: [envDetector] }).merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? service }),
    ),
    sampler: new ParentBasedSampler({ root: new SkipUntracedQueries() }),
    spanProcessors: [processorFor(chosen, exporter)],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    // The operation and its SQL are what a reader of the trace wants; Prisma's own
    // serialization and query-compilation steps would double the spans per query.
    instrumentations: [
      new PrismaInstrumentation({ ignoreSpanTypes: [/^prisma:client:(serialize|compile)$/] }),
    ],
  });
}

/**
 * Sends the spans still buffered and stops; a process calls it last before it
 * exits. Spans the receiver does not take are dropped: a trace never fails a shutdown.
 */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = undefined;
  await stopping?.shutdown().catch(() => {});
}

function processorFor(chosen: 'otlp' | 'console' | 'given', exporter?: SpanExporter): SpanProcessor {
  if (exporter) return new SimpleSpanProcessor(exporter);
  // The OTLP exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS and _TIMEOUT;
  // the batch processor OTEL_BSP_SCHEDULE_DELAY and its siblings.
  return chosen === 'otlp'
    ? new BatchSpanProcessor(new OTLPTraceExporter())
    : new SimpleSpanProcessor(new ConsoleSpanExporter());
}

/**
 * The sampler for spans without a parent: every trace starts at a request
 * or a message. A database query outside both (the outbox relay's sweep, a
 * gauge counted at scrape time, the scheduler's poll) would be a trace of
 * one span every second, so it is not recorded.
 */
class SkipUntracedQueries implements Sampler {
  shouldSample(_context: Context, _traceId: string, spanName: string): SamplingResult {
    return {
      decision: spanName.startsWith('prisma:')
        ? SamplingDecision.NOT_RECORD
        : SamplingDecision.RECORD_AND_SAMPLED,
    };
  }

  toString() {
    return 'SkipUntracedQueries';
  }
}
