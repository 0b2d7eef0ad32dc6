import { permanentError } from '@shared/core/errors';
import { createHttpApp, type RunningServer, startHttpServer } from '@shared/http';
import { Broker, type Topology } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  amqpUrl,
  QueueInspector,
  scrapeMetrics,
  TEST_METRICS_TOKEN,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/** /metrics as Prometheus scrapes it, against a real consumer and broker. */
describe('metrics', () => {
  let topology: Topology;
  let broker: Broker;
  let server: RunningServer;
  const failures = new Map<string, (attempt: number) => void>();

  const scrape = async () => (await scrapeMetrics(`http://127.0.0.1:${server.port}`)).text();
  /** The value of one series, or 0 when it has not appeared yet. */
  const seriesValue = async (series: string) => {
    const line = (await scrape()).split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  beforeAll(async () => {
    topology = testTopology(
      uniquePrefix('metrics'),
      [{ service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] }],
      { retryDelays: '200ms,400ms' },
    );
    const logger = testLogger();
    broker = await Broker.connect({ url: amqpUrl(), topology, service: 'worker', logger });
    broker.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      handler: async (event, { attempt }) => failures.get(event.id)?.(attempt),
    });
    const app = createHttpApp({
      logger,
      readiness: async () => ({ broker: broker.connected }),
      api: {
        title: 'worker',
        version: '1.0.0',
        description: 'A worker with no routes of its own',
        routes: [],
      },
      routes: () => {},
      metricsToken: TEST_METRICS_TOKEN,
    });
    server = await startHttpServer(app, 0, logger);
  });

  afterAll(async () => {
    await server.close();
    await broker.close();
    const inspector = await QueueInspector.open();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When an attempt fails, then the retry counter of that tier goes up', async () => {
    const queue = topology.services[0]!.workQueue;
    const series = `shop_messages_retried_total{service="worker",queue="${queue}",tier="200ms"}`;
    const before = await seriesValue(series);
    const event = anOrderCompletedEvent();
    failures.set(event.id, (attempt) => {
      if (attempt === 1) throw new Error('first attempt fails');
    });

    await broker.publish(event);

    await waitFor('the retry counted', async () => (await seriesValue(series)) === before + 1);
    await waitFor(
      'the second attempt handled',
      async () => (await seriesValue(`shop_messages_handled_total{service="worker",queue="${queue}"}`)) >= 1,
    );
  });

  test('When a message is dead-lettered, then the DLQ depth and the dead-letter counter go up', async () => {
    const { workQueue, deadLetterQueue } = topology.services[0]!;
    const depth = `shop_queue_messages{service="worker",queue="${deadLetterQueue}",kind="dead-letter"}`;
    expect(await seriesValue(depth)).toBe(0);
    const event = anOrderCompletedEvent();
    failures.set(event.id, () => {
      throw permanentError('TEST.PERMANENT', 'never works');
    });

    await broker.publish(event);

    await waitFor('the DLQ depth at 1', async () => (await seriesValue(depth)) === 1);
    expect(
      await seriesValue(
        `shop_messages_dead_lettered_total{service="worker",queue="${workQueue}",reason="permanent-error"}`,
      ),
    ).toBe(1);
  });

  test('When HTTP requests are served, then their durations are recorded by route pattern and status', async () => {
    await fetch(`http://127.0.0.1:${server.port}/readyz`);
    await fetch(`http://127.0.0.1:${server.port}/no/such/route`);

    const text = await scrape();
    expect(text).toMatch(
      /shop_http_request_duration_seconds_count\{method="GET",route="\/readyz",status="200"\} 1/,
    );
    expect(text).toMatch(
      /shop_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/,
    );
  });

  test("When /metrics is asked for JSON, then it answers the same series in prom-client's JSON shape; Prometheus still gets text", async () => {
    await fetch(`http://127.0.0.1:${server.port}/healthz`);

    const base = `http://127.0.0.1:${server.port}`;
    const json = await scrapeMetrics(base, { accept: 'application/json' });
    const prometheus = await scrapeMetrics(base, {
      accept: 'application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    });

    expect(json.headers.get('content-type')).toContain('application/json');
    const metrics = (await json.json()) as { name: string; values: { labels: Record<string, string> }[] }[];
    const durations = metrics.find((metric) => metric.name === 'shop_http_request_duration_seconds');
    expect(durations?.values).toContainEqual(
      expect.objectContaining({ labels: expect.objectContaining({ route: '/healthz', le: '+Inf' }) }),
    );
    expect(prometheus.headers.get('content-type')).toContain('text/plain');
  });

  test('When /metrics is asked without the token, or with another, then it answers 401 problem+json and no series', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    for (const authorization of [
      undefined,
      'Bearer wrong-token-wrong-token',
      `Basic ${TEST_METRICS_TOKEN}`,
    ]) {
      const response = await fetch(`${base}/metrics`, {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.text()).not.toContain('shop_');
    }
  });

  test('When no METRICS_TOKEN is configured, then /metrics does not exist: 404, even with a token', async () => {
    const logger = testLogger();
    const app = createHttpApp({
      logger,
      readiness: async () => ({}),
      api: { title: 'worker', version: '1.0.0', description: 'No metrics token', routes: [] },
      routes: () => {},
    });
    const open = await startHttpServer(app, 0, logger);
    try {
      const response = await scrapeMetrics(`http://127.0.0.1:${open.port}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('shop_');
    } finally {
      await open.close();
    }
  });
});
