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
};

export const httpRequestDuration = new client.Histogram({
  name: 'shop_http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export interface QueueDepth {
  queue: string;
  /** work, retry or dead-letter */
  kind: 'work' | 'retry' | 'dead-letter';
  messages: number;
}

type DepthSource = () => Promise<QueueDepth[]>;
const depthSources = new Set<DepthSource>();

/** Ready messages per queue, asked of the broker when Prometheus scrapes (not on a timer). */
new client.Gauge({
  name: 'shop_queue_messages',
  help: 'Messages ready in each queue of this service (work, retry tiers, dead-letter queue)',
  labelNames: ['queue', 'kind'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const source of depthSources) {
      for (const { queue, kind, messages } of await source().catch(() => []))
        this.set({ queue, kind }, messages);
    }
  },
});

/** Registers a source of queue depths for /metrics; returns the function that removes it. */
export function reportQueueDepths(source: DepthSource): () => void {
  depthSources.add(source);
  return () => depthSources.delete(source);
}

/** Adds a gauge whose value is read when Prometheus scrapes (outbox backlog, relay lag...). */
export function gaugeOnScrape(name: string, help: string, read: () => Promise<number>) {
  // A process that builds its app twice (tests) replaces the earlier gauge instead of failing.
  registry.removeSingleMetric(name);
  return new client.Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await read().catch(() => Number.NaN));
    },
  });
}
