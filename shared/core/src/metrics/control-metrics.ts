import client from 'prom-client';

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
