import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import client from 'prom-client';

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** What the services expose at /metrics besides prom-client's defaults (shared/core/src/metrics, checkout's outbox). */
const SHOP_METRICS: Record<string, MetricType> = {
  shop_messages_handled_total: 'counter',
  shop_message_attempts_failed_total: 'counter',
  shop_messages_retried_total: 'counter',
  shop_messages_dead_lettered_total: 'counter',
  shop_message_handler_duration_seconds: 'histogram',
  shop_event_lag_seconds: 'histogram',
  shop_queue_messages: 'gauge',
  shop_queue_oldest_age_seconds: 'gauge',
  shop_http_request_duration_seconds: 'histogram',
  shop_outbox_backlog: 'gauge',
  shop_outbox_oldest_age_seconds: 'gauge',
  shop_outbox_parked: 'gauge',
  shop_scheduled_jobs_parked: 'gauge',
  shop_outbox_published: 'gauge',
  shop_inbox_events: 'gauge',
  shop_dead_letters_parked: 'gauge',
  shop_dead_letters_oldest_age_seconds: 'gauge',
};

/** Series Prometheus itself adds to every target. https://prometheus.io/docs/concepts/jobs_instances/ */
const SCRAPE_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
];

/** The series names a metric of each type produces in the exposition format. */
function seriesNames(name: string, type: MetricType): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

export async function knownSeries(): Promise<Set<string>> {
  // A registry of its own, so only the defaults land in it, exactly as prom-client names them.
  const defaults = new client.Registry();
  client.collectDefaultMetrics({ register: defaults });
  const defaultMetrics = (await defaults.getMetricsAsJSON()).map(
    ({ name, type }) => [name, String(type) as MetricType] as const,
  );
  return new Set([
    ...Object.entries(SHOP_METRICS).flatMap(([name, type]) => seriesNames(name, type)),
    ...defaultMetrics.flatMap(([name, type]) => seriesNames(name, type)),
    ...SCRAPE_SERIES,
  ]);
}

/** Problems with one PromQL expression: syntax errors, and selectors of metrics nobody exposes. */
export function checkPromql(expression: string, known: Set<string>): string[] {
  if (!expression.trim()) return ['empty expression'];
  const found: string[] = [];
  const tree = promqlParser.parse(expression);
  tree.iterate({
    enter(node) {
      if (node.type.isError && found.length === 0) {
        const near = expression.slice(Math.max(0, node.from - 20), node.to + 20);
        found.push(`PromQL syntax error at character ${node.from}, near ${JSON.stringify(near)}`);
      }
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        if (!identifier) {
          found.push(`a selector names no metric: ${expression.slice(node.from, node.to)}`);
        } else {
          const metric = expression.slice(identifier.from, identifier.to);
          if (!known.has(metric)) found.push(`no service exposes the metric ${metric}`);
        }
      }
    },
  });
  return found;
}
