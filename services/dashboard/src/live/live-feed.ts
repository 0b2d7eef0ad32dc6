import type { Logger } from '@shared/core/logging';
import type { QueueCensus, ServiceQueueCount } from '@shared/operations';
import type { CheckoutApi, Order } from '../sources/checkout-api';
import type { ConsumerState, DeadLetterSummary, Jobs, OperationsApi } from '../sources/operations-api';
import type { Answer } from '../sources/service-api';
import { readMetrics, summariseMetrics } from '../sources/service-metrics';
import { type RatePoint, type Reading, ratesBetween, type WindowStats, windowStats } from './service-stats';

/** How far back the charts and the history of readings go. */
const HISTORY_MS = 5 * 60_000;
/** The window of the quantiles, error rates and orders per minute. */
const WINDOW_MS = 60_000;
const RECENT_ORDERS = 15;
/** Jobs change slowly; they are read every this many updates. */
const JOBS_EVERY = 5;

export interface ServiceState {
  service: string;
  queues: ServiceQueueCount | null;
  /** The newest reading of its metrics; null until its /metrics has answered. */
  reading: Reading | null;
  /** True when the last read of its /metrics failed. */
  metricsMissing: boolean;
  rates: RatePoint[];
  window: WindowStats | null;
}

/** Everything the live parts of the page show, as of `at`. */
export interface Snapshot {
  at: number;
  services: ServiceState[];
  /** Why the queue counts are missing, when the broker could not be read. */
  brokerError: string | null;
  recentOrders: Answer<Order[]>;
  /** Each service's dead letters, as the operations service's store counts them. */
  deadLetters: Answer<DeadLetterSummary[]>;
  consumers: Answer<ConsumerState[]>;
  jobs: Answer<Jobs>;
}

export interface LiveFeedDeps {
  census: QueueCensus;
  checkout: CheckoutApi;
  operations: OperationsApi;
  /** Each service's base URL, by name, for its /metrics. */
  serviceUrls: Record<string, string>;
  /** METRICS_TOKEN, which the services' /metrics ask for; without it the charts stay empty. */
  metricsToken: string | undefined;
  /** Each service's work queue, by name (to find its oldest-message gauge). */
  workQueues: Record<string, string>;
  logger: Logger;
}

export interface LiveFeedOptions {
  refreshMs: number;
  scrapeIntervalMs: number;
}

type Listener = (snapshot: Snapshot) => void;

/**
 * The one poller behind every open page. While at least one browser listens
 * it reads the broker, checkout and the services' /metrics on a timer and
 * hands the same snapshot to every listener; with nobody listening it stops,
 * so a closed dashboard costs the shop nothing. However many pages are open,
 * each service's /metrics is read once per scrape interval.
 */
export class LiveFeed {
  private readonly listeners = new Set<Listener>();
  private readonly history = new Map<string, Reading[]>();
  private readonly rates = new Map<string, RatePoint[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private ticks = 0;
  private lastScrapeAt = 0;
  private jobs: Answer<Jobs> = { ok: false, status: null, problem: { title: 'Not read yet' } };
  private latestSnapshot: Snapshot | undefined;

  constructor(
    private readonly deps: LiveFeedDeps,
    private readonly options: LiveFeedOptions,
  ) {}

  get latest(): Snapshot | undefined {
    return this.latestSnapshot;
  }

  /** Calls `listener` with every new snapshot (the latest at once, if any); returns how to stop. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.latestSnapshot) listener(this.latestSnapshot);
    if (!this.timer) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.pause();
    };
  }

  /** Reads everything once now (an action changed something) and tells every listener. */
  async refresh(): Promise<void> {
    await this.running;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    this.pause();
    await this.running;
  }

  private start() {
    const run = () => {
      if (this.running) return;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    };
    run();
    this.timer = setInterval(run, this.options.refreshMs);
  }

  private pause() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    try {
      const snapshot = await this.read();
      this.latestSnapshot = snapshot;
      for (const listener of this.listeners) listener(snapshot);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'reading the live snapshot failed');
    }
  }

  private async read(): Promise<Snapshot> {
    const { census, checkout, operations, serviceUrls, workQueues } = this.deps;
    const at = Date.now();
    const scrape = at - this.lastScrapeAt >= this.options.scrapeIntervalMs - 100;
    if (scrape) this.lastScrapeAt = at;
    const readJobs = this.ticks++ % JOBS_EVERY === 0;
    const services = Object.keys(serviceUrls);

    const [queues, recentOrders, deadLetters, consumers, jobs, metrics] = await Promise.all([
      census.count().then(
        (counts) => ({ counts, error: null }),
        (error: unknown) => ({ counts: [] as ServiceQueueCount[], error: (error as Error).message }),
      ),
      checkout.recentOrders(RECENT_ORDERS),
      operations.deadLetterSummary(),
      operations.consumers(),
      readJobs ? operations.jobs() : this.jobs,
      scrape
        ? Promise.all(
            services.map((service) => readMetrics(serviceUrls[service] as string, this.deps.metricsToken)),
          )
        : undefined,
    ]);
    this.jobs = jobs;

    const states = services.map((service, index): ServiceState => {
      const counts = queues.counts.find((candidate) => candidate.service === service) ?? null;
      const json = metrics?.[index];
      if (json) {
        const reading: Reading = {
          ...summariseMetrics(json, service, workQueues[service] ?? '', at),
          workDepth: counts?.work.messages ?? null,
        };
        this.record(service, reading);
      }
      const readings = this.history.get(service) ?? [];
      const newest = readings.at(-1) ?? null;
      const windowStart = readings.find((candidate) => candidate.at >= at - WINDOW_MS - 1_000);
      return {
        service,
        queues: counts,
        reading: newest,
        metricsMissing: metrics !== undefined && json === undefined,
        rates: this.rates.get(service) ?? [],
        window: windowStart && newest && newest !== windowStart ? windowStats(windowStart, newest) : null,
      };
    });
    return { at, services: states, brokerError: queues.error, recentOrders, deadLetters, consumers, jobs };
  }

  private record(service: string, reading: Reading) {
    const readings = this.history.get(service) ?? [];
    const previous = readings.at(-1);
    readings.push(reading);
    const cutoff = reading.at - HISTORY_MS;
    while (readings.length > 0 && (readings[0] as Reading).at < cutoff) readings.shift();
    this.history.set(service, readings);
    if (!previous) return;
    const points = this.rates.get(service) ?? [];
    points.push(ratesBetween(previous, reading));
    while (points.length > 0 && (points[0] as RatePoint).at < cutoff) points.shift();
    this.rates.set(service, points);
  }
}
