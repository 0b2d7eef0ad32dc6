import client from 'prom-client';

const queueLabels = ['service', 'queue'] as const;

/** What each consumer did with its deliveries. */
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
