import type { AmqpUrls } from '@shared/core/config';
import type { Logger } from '@shared/core/logging';
import type { Topology } from './topology';

export interface BrokerOptions {
  /** One node, or every node of a cluster: the first reachable is used, and a reconnect tries the next. */
  url: string | AmqpUrls;
  topology: Topology;
  logger: Logger;
  /** The consuming service this process runs, if any: its retry queues are declared. */
  service?: string;
  /** Shown in the management UI and `rabbitmqctl list_connections`; defaults to service@host#pid. */
  connectionName?: string;
  prefetch?: number;
  handlerTimeoutMs?: number;
  /** How long a stop waits for deliveries in progress; by default as long as an attempt can last. */
  shutdownTimeoutMs?: number;
  /**
   * false: `connect` returns at once and connects in the background (publish
   * fails with BROKER_UNAVAILABLE until then). Checkout uses it to take
   * orders while RabbitMQ is down; its outbox holds the events. Default true.
   */
  waitForConnection?: boolean;
  /** Called once when the broker holds a definition this process cannot work with; the process should stop. */
  onFatal?: (error: Error) => void;
}
