import type { ServerResponse } from 'node:http';
import type { LiveFeed } from '../live/live-feed';
import type { CheckoutApi } from '../sources/checkout-api';
import type { OperationsApi } from '../sources/operations-api';
import type { Sessions } from './sessions';

/** What the dashboard's routes work with, given by start-dashboard.ts. */
export interface DashboardDeps {
  sessions: Sessions;
  feed: LiveFeed;
  /** Orders: checkout's. */
  checkout: CheckoutApi;
  /** Dead letters, the audit log, consumers and jobs: the operations service's. */
  operations: OperationsApi;
  /** The services with a dead-letter queue, in the registry's order. */
  services: readonly string[];
  /** Checkout's task names, in the registry's order (the columns of the orders table). */
  tasks: readonly string[];
  replayRate: number;
  /** Open live streams, so shutdown can end them. */
  streams: Set<ServerResponse>;
  /**
   * TRUST_PROXY: proxies whose X-Forwarded-Proto, -Host and -For to believe.
   * Behind a TLS terminator the page's origin is then https, which the origin
   * check compares against, and the session cookie is marked Secure.
   */
  trustProxy: number;
}
