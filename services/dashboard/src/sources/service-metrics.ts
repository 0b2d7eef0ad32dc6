import { joinUrl } from '@shared/http';

/** One service's /metrics, as prom-client's registry serves it in JSON (getMetricsAsJSON). */
export type MetricsJson = {
  name: string;
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}[];

/** The counters and gauges the dashboard derives its numbers from, read at one moment. */
export interface MetricsReading {
  at: number;
  /** Messages the service's handler completed (acked). */
  handled: number;
  /** Handler attempts that failed. */
  failed: number;
  /** Cumulative handler-duration buckets: upper bound in seconds (Infinity last) and count. */
  durations: { le: number; count: number }[];
  /** Seconds the oldest ready message of the work queue has waited, where the service tells. */
  oldestWaitingSeconds: number | null;
  /** Checkout only: orders answered 201, the outbox backlog and the age of its oldest row. */
  ordersPlaced: number | null;
  outboxBacklog: number | null;
  outboxOldestAgeSeconds: number | null;
}

const TIMEOUT_MS = 1_500;

/** Reads a service's /metrics as JSON, with the scraper's token; undefined when it does not answer. */
export async function readMetrics(
  baseUrl: string,
  token: string | undefined,
): Promise<MetricsJson | undefined> {
  if (!token) return undefined;
  try {
    const response = await fetch(joinUrl(baseUrl, '/metrics'), {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return response.ok ? ((await response.json()) as MetricsJson) : undefined;
  } catch {
    return undefined;
  }
}

/** What the dashboard needs of one service's metrics, for the consumer named `service`. */
export function summariseMetrics(
  metrics: MetricsJson,
  service: string,
  workQueue: string,
  at: number,
): MetricsReading {
  const series = (name: string) => metrics.find((metric) => metric.name === name)?.values ?? [];
  const ofService = (name: string) => series(name).filter((value) => value.labels.service === service);
  const sum = (values: { value: number }[]) => values.reduce((total, { value }) => total + value, 0);
  const single = (name: string) => {
    const [first] = series(name);
    return first && Number.isFinite(first.value) ? first.value : null;
  };

  const buckets = new Map<number, number>();
  for (const value of ofService('shop_message_handler_duration_seconds')) {
    if (value.metricName !== 'shop_message_handler_duration_seconds_bucket') continue;
    const le = value.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(value.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + value.value);
  }
  const oldest = series('shop_queue_oldest_age_seconds').find((value) => value.labels.queue === workQueue);
  const placed = series('shop_http_request_duration_seconds').filter(
    ({ metricName, labels }) =>
      metricName === 'shop_http_request_duration_seconds_count' &&
      labels.method === 'POST' &&
      labels.route === '/orders' &&
      labels.status === '201',
  );
  const hasOutbox = metrics.some((metric) => metric.name === 'shop_outbox_backlog');
  return {
    at,
    handled: sum(ofService('shop_messages_handled_total')),
    failed: sum(ofService('shop_message_attempts_failed_total')),
    durations: [...buckets].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le),
    oldestWaitingSeconds: oldest ? oldest.value : null,
    ordersPlaced: hasOutbox ? sum(placed) : null,
    outboxBacklog: hasOutbox ? single('shop_outbox_backlog') : null,
    outboxOldestAgeSeconds: hasOutbox ? single('shop_outbox_oldest_age_seconds') : null,
  };
}
