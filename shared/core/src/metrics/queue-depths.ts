import client from 'prom-client';
import { registry } from './registry';

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
