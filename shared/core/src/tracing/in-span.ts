import { context, type Span, SpanStatusCode } from '@opentelemetry/api';
import { tracingEnabled } from './start-tracing';
import { NOOP_SPAN, type SpanOptions, tracer } from './tracer';

/**
 * Runs `work` in a span of its own, active for all it awaits (queries, publishes),
 * ended when it settles; a thrown error marks the span failed. Without tracing, just runs `work`.
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
