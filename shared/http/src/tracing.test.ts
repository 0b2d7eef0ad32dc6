import { request } from 'node:http';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { createLogger } from '@shared/core/logging';
import {
  activeTraceparent,
  contextFrom,
  inSpan,
  SpanKind,
  startTracing,
  stopTracing,
  traceHeaders,
  tracesExporter,
} from '@shared/core/tracing';
import { defineRoute } from './api-route';
import { createHttpApp } from './create-http-app';
import { type RunningServer, startHttpServer } from './start-http-server';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

describe('which exporter the OTEL_* variables choose', () => {
  test('When nothing is set, then traces are off', () => {
    expect(tracesExporter({ OTEL_SDK_DISABLED: 'false' })).toBe('none');
  });

  test('When only an OTLP endpoint is set, then traces go there', () => {
    expect(
      tracesExporter({ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }),
    ).toBe('otlp');
    expect(
      tracesExporter({
        OTEL_SDK_DISABLED: 'false',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces',
      }),
    ).toBe('otlp');
  });

  test('When OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, then an endpoint does not turn traces on', () => {
    const endpoint = 'http://jaeger:4318';
    expect(
      tracesExporter({
        OTEL_SDK_DISABLED: 'false',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      }),
    ).toBe('none');
    expect(tracesExporter({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toBe('none');
  });
});

/** One process's tracing with an in-memory exporter, and the HTTP app every service builds. */
describe('traces through the HTTP app', () => {
  const exporter = new InMemorySpanExporter();
  const logLines: Record<string, unknown>[] = [];
  const logger = createLogger('test', 'info', 'json', {
    write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
  });
  let server: RunningServer;
  let baseUrl: string;
  /** The traceparent each request's route saw as active, by the body's `n`. */
  const seen = new Map<number, string | null>();

  beforeAll(async () => {
    startTracing('test-service', { OTEL_SDK_DISABLED: 'false' }, exporter);
    const app = createHttpApp({
      logger,
      readiness: async () => ({}),
      api: {
        title: 'test',
        version: '1.0.0',
        description: 'Orders, traced',
        routes: [
          defineRoute({
            method: 'post',
            path: '/orders',
            summary: 'An order',
            description: 'Answers 201: the test only follows its trace',
            answers: { 201: { description: 'Placed' } },
          }),
        ],
      },
      routes: (app) => {
        app.post('/orders', async (req, res) => {
          // Past the body parser and an await, as a route's queries are.
          await new Promise((resolve) => setTimeout(resolve, 5));
          const n = (req.body as { n: number }).n;
          seen.set(n, activeTraceparent());
          req.log.info({ n }, 'route ran');
          await inSpan('inner work', { kind: SpanKind.INTERNAL }, async () => {});
          res.status(201).json({ n });
        });
      },
    });
    server = await startHttpServer(app, 0, logger);
    baseUrl = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.close();
    await stopTracing();
  });

  beforeEach(() => exporter.reset());

  const post = (n: number, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ n }),
    });
  const serverSpans = () => exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
  const waitForSpans = async (count: number) => {
    for (let waited = 0; serverSpans().length < count && waited < 2_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return serverSpans();
  };
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  test('When a request carries a valid traceparent, then its server span continues that trace and the route runs inside it', async () => {
    const response = await post(1, { traceparent: TRACEPARENT });

    expect(response.status).toBe(201);
    const [span] = await waitForSpans(1);
    expect(span?.name).toBe('POST /orders');
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(span!)).toBe(CALLER_SPAN);
    expect(span?.attributes['http.response.status_code']).toBe(201);
    // The route, after the body parser and an await, sees the server span as active...
    expect(seen.get(1)).toBe(`00-${TRACE_ID}-${span?.spanContext().spanId}-01`);
    // ...and a span it starts is the server span's child.
    const inner = exporter.getFinishedSpans().find((candidate) => candidate.name === 'inner work');
    expect(inner?.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(inner!)).toBe(span?.spanContext().spanId);
    // The route's log line and the request's own line name the trace.
    const spanId = span?.spanContext().spanId;
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'route ran', traceId: TRACE_ID, spanId }));
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'request completed', traceId: TRACE_ID, spanId }),
    );
  });

  test('When the body arrives well after the headers, then the route still runs inside the request span', async () => {
    const body = JSON.stringify({ n: 5 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${baseUrl}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          traceparent: TRACEPARENT,
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.end(body), 100);
    });

    expect(status).toBe(201);
    const [span] = await waitForSpans(1);
    expect(seen.get(5)).toBe(`00-${TRACE_ID}-${span?.spanContext().spanId}-01`);
  });

  test.each([
    ['not a traceparent'],
    [`01-${TRACE_ID}-${CALLER_SPAN}`],
    [`00-${'0'.repeat(32)}-${CALLER_SPAN}-01`],
    [`00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    [`00-${TRACE_ID.toUpperCase()}-${CALLER_SPAN}-01`],
    [`00-${TRACE_ID}-${CALLER_SPAN}-01-extra`],
    ['x'.repeat(4_000)],
  ])(
    'When a request carries a malformed traceparent (%s), then it is answered as usual and starts a new trace',
    async (traceparent) => {
      const response = await post(2, { traceparent });

      expect(response.status).toBe(201);
      const [span] = await waitForSpans(1);
      expect(span?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span?.spanContext().traceId).not.toBe(TRACE_ID);
      expect(parentOf(span!)).toBeUndefined();
    },
  );

  test('When a request carries no traceparent, then it starts a trace of its own', async () => {
    await post(3);

    const [span] = await waitForSpans(1);
    expect(parentOf(span!)).toBeUndefined();
    expect(seen.get(3)).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
  });

  test('When the body is malformed JSON, then the 400 still ends its span', async () => {
    const response = await fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
      body: '{',
    });

    expect(response.status).toBe(400);
    const [span] = await waitForSpans(1);
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.attributes['http.response.status_code']).toBe(400);
  });

  test('When a path carries a card-shaped number, then no span records it', async () => {
    const card = '4111111111111111';
    await fetch(`${baseUrl}/orders/${card}?card=${card}`);

    const [span] = await waitForSpans(1);
    expect(span?.attributes['url.path']).toBe('/orders/[card number]');
    expect(JSON.stringify({ name: span?.name, attributes: span?.attributes })).not.toContain(card);
  });

  test('When probes and scrapes come, then they make no spans', async () => {
    await Promise.all(['/healthz', '/readyz', '/metrics'].map((path) => fetch(`${baseUrl}${path}`)));
    await post(4);

    const spans = await waitForSpans(1);
    expect(spans.map((span) => span.name)).toEqual(['POST /orders']);
  });

  test('When an AMQP header holds a traceparent, then work continues it; a header of another type is ignored', async () => {
    const continued = await inSpan(
      'process',
      { kind: SpanKind.CONSUMER, parent: contextFrom({ traceparent: TRACEPARENT }) },
      async () => traceHeaders().traceparent,
    );
    const fresh = await inSpan(
      'process',
      { kind: SpanKind.CONSUMER, parent: contextFrom({ traceparent: Buffer.from(TRACEPARENT) }) },
      async () => traceHeaders().traceparent,
    );

    expect(continued).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(fresh).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(fresh?.slice(3, 35)).not.toBe(TRACE_ID);
  });
});
