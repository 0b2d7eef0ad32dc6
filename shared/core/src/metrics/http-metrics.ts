import client from 'prom-client';

/** Every request every service answered, by route pattern (never by id). */
export const httpRequestDuration = new client.Histogram({
  name: 'shop_http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});
