import client from 'prom-client';

/**
 * Prometheus metrics, served at /metrics by every service (createHttpApp).
 * Metric names follow https://prometheus.io/docs/practices/naming/.
 * Labels stay bounded: queue names, retry tiers, dead-letter reasons, error
 * codes and route patterns, never ids.
 */
export const registry = client.register;
client.collectDefaultMetrics({ register: registry });

const queueLabels = ['service', 'queue'] as const;

export const messagingMetrics = {
  handled: new client.Counter({
    name: 'shop_messages_handled_total',
    help: 'Messages whose handler succeeded and that were acknowledged',
    labelNames: queueLabels,
  }),
  failed: new client.Counter({
    name: 'shop_message_attempts_failed_total',
    help: 'Handler attempts that failed, by error code',
    labelNames: [...queueLabels, 'code'],
  }),
  retried: new client.Counter({
    name: 'shop_messages_retried_total',
    help: 'Messages sent to a retry tier, by tier',
    labelNames: [...queueLabels, 'tier'],
  }),
  deadLettered: new client.Counter({
    name: 'shop_messages_dead_lettered_total',
    help: 'Messages parked in the dead-letter queue, by reason',
    labelNames: [...queueLabels, 'reason'],
  }),
  handlerDuration: new client.Histogram({
    name: 'shop_message_handler_duration_seconds',
    help: 'Time spent in message handlers, by outcome',
    labelNames: [...queueLabels, 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
  eventLag: new client.Histogram({
    name: 'shop_event_lag_seconds',
    help: "Commit to effect: from the event's occurredAt to the end of its successful handling",
    labelNames: queueLabels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  }),
};

/** The job controls of a consuming service (shared/operations/src/controls). */
export const controlMetrics = {
  paused: new client.Gauge({
    name: 'shop_consumer_paused',
    help: '1 while an operator has paused this service, else 0',
    labelNames: ['service'],
  }),
  circuit: new client.Gauge({
    name: 'shop_circuit_state',
    help: "The service's circuit breaker: 0 closed, 1 half-open, 2 open",
    labelNames: ['service'],
  }),
  transitions: new client.Counter({
    name: 'shop_circuit_transitions_total',
    help: 'Circuit breaker transitions this replica made, by the state entered',
    labelNames: ['service', 'to'],
  }),
  putBack: new client.Counter({
    name: 'shop_consumer_put_back_total',
    help: 'Deliveries a holding replica (paused, circuit open) returned to their queue unhandled',
    labelNames: ['service'],
  }),
  rateLimitWait: new client.Histogram({
    name: 'shop_rate_limit_wait_seconds',
    help: 'Time a delivery waited for its turn under the rate limit, by queue priority',
    labelNames: ['service', 'priority'],
    buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120],
  }),
};

export const httpRequestDuration = new client.Histogram({
  name: 'shop_http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export interface QueueDepth {
  /** The consuming service the queue belongs to. */
  service: string;
  queue: string;
  /** work, retry or dead-letter */
  kind: 'work' | 'retry' | 'dead-letter';
  messages: number;
  /** Seconds the oldest ready message has waited, where the process can tell (its own work queue). */
  oldestAgeSeconds?: number;
}

type DepthSource = () => Promise<QueueDepth[]>;
const depthSources = new Set<DepthSource>();

/**
 * Queue depths are asked of the broker when Prometheus scrapes (not on a
 * timer); one read serves both gauges of a scrape.
 */
let depthRead: { at: number; depths: Promise<QueueDepth[]> } | undefined;
function readDepths(): Promise<QueueDepth[]> {
  if (!depthRead || Date.now() - depthRead.at > 1_000) {
    const sources = [...depthSources].map((source) => source().catch(() => []));
    depthRead = { at: Date.now(), depths: Promise.all(sources).then((all) => all.flat()) };
  }
  return depthRead.depths;
}

new client.Gauge({
  name: 'shop_queue_messages',
  help: 'Messages ready in each queue of this service (work, retry tiers, dead-letter queue)',
  labelNames: ['service', 'queue', 'kind'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const { service, queue, kind, messages } of await readDepths())
      this.set({ service, queue, kind }, messages);
  },
});

new client.Gauge({
  name: 'shop_queue_oldest_age_seconds',
  help: 'Seconds the oldest ready message of a work queue has waited (0 when the queue is empty)',
  labelNames: ['queue'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const { queue, oldestAgeSeconds } of await readDepths()) {
      if (oldestAgeSeconds !== undefined) this.set({ queue }, oldestAgeSeconds);
    }
  },
});

/** Registers a source of queue depths for /metrics; returns the function that removes it. */
export function reportQueueDepths(source: DepthSource): () => void {
  depthSources.add(source);
  return () => depthSources.delete(source);
}

/**
 * How often a gauge read on scrape may ask the database: every scrape
 * within this time shares one read, however many scrapers (Prometheus
 * replicas, the dashboard, a flood of requests) come.
 */
export const SCRAPE_READ_INTERVAL_MS = 1_000;

/**
 * `read`, at most once per `intervalMs`: a caller within that time of the
 * last answer gets it again, and callers while a read is under way share it.
 * A failed read is not kept.
 */
export function readAtMostEvery<Value>(intervalMs: number, read: () => Promise<Value>): () => Promise<Value> {
  let last: { at: number; value: Value } | undefined;
  let inFlight: Promise<Value> | undefined;
  return () => {
    if (inFlight) return inFlight;
    if (last && Date.now() - last.at < intervalMs) return Promise.resolve(last.value);
    inFlight = read()
      .then((value) => {
        last = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

/** Like gaugeOnScrape, with one series per label set `read` returns. */
export function labelledGaugeOnScrape(
  name: string,
  help: string,
  labelNames: string[],
  read: () => Promise<{ labels: Record<string, string>; value: number }[]>,
) {
  registry.removeSingleMetric(name);
  const readSeries = readAtMostEvery(SCRAPE_READ_INTERVAL_MS, read);
  return new client.Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { labels, value } of await readSeries().catch(() => [])) this.set(labels, value);
    },
  });
}

/**
 * Adds a gauge whose value is read when Prometheus scrapes (outbox backlog,
 * relay lag...), at most once per SCRAPE_READ_INTERVAL_MS.
 */
export function gaugeOnScrape(name: string, help: string, read: () => Promise<number>) {
  // A process that builds its app twice (tests) replaces the earlier gauge instead of failing.
  registry.removeSingleMetric(name);
  const readValue = readAtMostEvery(SCRAPE_READ_INTERVAL_MS, read);
  return new client.Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await readValue().catch(() => Number.NaN));
    },
  });
}
