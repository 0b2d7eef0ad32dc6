import client from 'prom-client';

/**
 * Prometheus metrics, served at /metrics by every service (createHttpApp).
 * Metric names follow https://prometheus.io/docs/practices/naming/.
 * Labels stay bounded: queue names, retry tiers, dead-letter reasons, error
 * codes and route patterns, never ids.
 */
export const registry = client.register;
client.collectDefaultMetrics({ register: registry });
