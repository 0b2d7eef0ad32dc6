import { type AmqpUrls, type RetryTier, shutdownTimeoutMs } from '@shared/core/config';
import type { Logger } from '@shared/core/logging';
import { Broker } from './broker';
import type { BrokerOptions } from './broker-options';
import type { Registry } from './registry';
import { type Topology, topologyOf } from './topology';

/** The messaging settings every process reads (see `messagingVariables`). */
export interface MessagingConfig {
  AMQP_URL: AmqpUrls;
  QUEUE_PREFIX: string;
  RETRY_DELAYS: RetryTier[];
  DELIVERY_LIMIT: number;
  PREFETCH: number;
  HANDLER_TIMEOUT_MS: number;
  SHUTDOWN_TIMEOUT_MS?: number | undefined;
}

/** The queues a registry describes, named with this process's prefix and retry tiers. */
export function registryTopology(registry: Registry, config: MessagingConfig): Topology {
  return topologyOf(registry, {
    prefix: config.QUEUE_PREFIX,
    retryTiers: config.RETRY_DELAYS,
    deliveryLimit: config.DELIVERY_LIMIT,
  });
}

/** Connects a process to RabbitMQ with every queue of the registry declared and the shared settings. */
export function connectBroker(
  registry: Registry,
  config: MessagingConfig,
  logger: Logger,
  options: Pick<BrokerOptions, 'service' | 'onFatal' | 'waitForConnection' | 'connectionName'> = {},
): Promise<Broker> {
  return Broker.connect({
    url: config.AMQP_URL,
    topology: registryTopology(registry, config),
    logger,
    prefetch: config.PREFETCH,
    handlerTimeoutMs: config.HANDLER_TIMEOUT_MS,
    shutdownTimeoutMs: shutdownTimeoutMs(config),
    ...options,
  });
}
