import { activeTraceparent, contextFrom, inSpan, SpanKind, traceHeaders } from '.';
import { startTracing, tracingEnabled } from './start-tracing';

describe('a process without a traces exporter', () => {
  test('When no endpoint is configured, then nothing is recorded and no trace context is written anywhere', async () => {
    startTracing('test-service', { OTEL_SDK_DISABLED: 'false' });

    expect(tracingEnabled()).toBe(false);
    const inside = await inSpan(
      'process',
      {
        kind: SpanKind.CONSUMER,
        parent: contextFrom({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
      },
      async (span) => ({ recording: span.isRecording(), headers: traceHeaders(), row: activeTraceparent() }),
    );
    expect(inside).toEqual({ recording: false, headers: {}, row: null });
  });
});
