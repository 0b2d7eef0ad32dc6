/**
 * Prometheus metrics, served at /metrics by every service: the registry with
 * Node's default series, each part of the runtime's own series, and gauges
 * read when Prometheus scrapes.
 */
export { controlMetrics } from './control-metrics';
export { gaugeOnScrape } from './gauge-on-scrape';
export { httpRequestDuration } from './http-metrics';
export { labelledGaugeOnScrape } from './labelled-gauge-on-scrape';
export { messagingMetrics } from './messaging-metrics';
export { type QueueDepth, reportQueueDepths } from './queue-depths';
export { readAtMostEvery, SCRAPE_READ_INTERVAL_MS } from './read-at-most-every';
export { registry } from './registry';
