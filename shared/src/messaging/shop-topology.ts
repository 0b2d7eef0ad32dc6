import type { RetryTier } from '../config';
import {
  FULFILLMENT_OUTCOMES,
  FULFILLMENT_TASKS,
  type FulfillmentService,
  OrderCompletedV1,
} from '../events';
import type { Logger } from '../logging';
import { Broker, type BrokerOptions } from './broker';
import { type ConsumerDefinition, describeTopology, type Topology } from './topology';

/**
 * Who consumes what in the shop: the four fulfillment services each take
 * OrderCompleted on their own queue; checkout takes every outcome they
 * publish, to show per-order task status. Add a consumer here (and see the
 * README's checklist) and every process declares its queues.
 */
export const SHOP_CONSUMERS: ConsumerDefinition[] = [
  ...(Object.keys(FULFILLMENT_TASKS) as FulfillmentService[]).map((service) => ({
    service,
    queue: 'order-completed',
    routingKeys: [OrderCompletedV1.routingKey],
  })),
  {
    service: 'checkout',
    queue: 'task-outcomes',
    routingKeys: FULFILLMENT_OUTCOMES.map((event) => event.routingKey),
  },
];

/** The messaging settings every process reads (see `messagingVariables`). */
export interface MessagingConfig {
  AMQP_URL: string;
  QUEUE_PREFIX: string;
  RETRY_DELAYS: RetryTier[];
  DELIVERY_LIMIT: number;
  PREFETCH: number;
  HANDLER_TIMEOUT_MS: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

export function shopTopology(config: MessagingConfig): Topology {
  return describeTopology(SHOP_CONSUMERS, {
    prefix: config.QUEUE_PREFIX,
    retryTiers: config.RETRY_DELAYS,
    deliveryLimit: config.DELIVERY_LIMIT,
  });
}

/** Connects a shop process to RabbitMQ with the shared topology and settings. */
export function connectShopBroker(
  config: MessagingConfig,
  logger: Logger,
  options: Pick<BrokerOptions, 'service' | 'onFatal' | 'waitForConnection' | 'connectionName'> = {},
): Promise<Broker> {
  return Broker.connect({
    url: config.AMQP_URL,
    topology: shopTopology(config),
    logger,
    prefetch: config.PREFETCH,
    handlerTimeoutMs: config.HANDLER_TIMEOUT_MS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...options,
  });
}
