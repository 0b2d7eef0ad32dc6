import type { ServerResponse } from 'node:http';
import type { Logger } from '@shared/core/logging';
import { createHttpApp, startHttpServer } from '@shared/http';
import { connectBroker } from '@shared/messaging';
import { QueueCensus } from '@shared/operations';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import type { DashboardConfig } from './config';
import { DASHBOARD_API } from './http/dashboard-api';
import { dashboardHttpRoutes } from './http/dashboard-http';
import { Sessions } from './http/sessions';
import { LiveFeed } from './live/live-feed';
import { CheckoutApi } from './sources/checkout-api';
import { OperationsApi } from './sources/operations-api';

/**
 * The dashboard, wired in the order it starts: broker (read-only use: queue
 * counts), checkout's and the operations service's APIs, the shared live feed, sessions, HTTP. It owns no
 * data: everything it shows is read from the broker, checkout, the operations service and the
 * services' /metrics when asked.
 */
export async function startDashboard(config: DashboardConfig, logger: Logger) {
  const broker = await connectBroker(SHOP_REGISTRY, config, logger, {
    waitForConnection: false,
    connectionName: `dashboard#${process.pid}`,
  });
  const checkout = new CheckoutApi(config.CHECKOUT_URL, config.ADMIN_TOKEN);
  const operations = new OperationsApi(config.OPERATIONS_URL, config.ADMIN_TOKEN);
  const feed = new LiveFeed(
    {
      census: new QueueCensus(broker),
      checkout,
      operations,
      serviceUrls: config.serviceUrls,
      metricsToken: config.METRICS_TOKEN,
      workQueues: Object.fromEntries(
        broker.topology.services.map((queues) => [queues.service, queues.workQueue]),
      ),
      logger: logger.child({ component: 'live-feed' }),
    },
    { refreshMs: config.DASHBOARD_REFRESH, scrapeIntervalMs: config.DASHBOARD_SCRAPE_INTERVAL },
  );
  const sessions = new Sessions(
    { operator: config.ADMIN_TOKEN, viewer: config.VIEWER_TOKEN },
    config.SESSION_IDLE_TIMEOUT,
  );
  const streams = new Set<ServerResponse>();

  const app = createHttpApp({
    logger,
    metricsToken: config.METRICS_TOKEN,
    errors: SHOP_ERRORS,
    api: DASHBOARD_API,
    readiness: async () => ({ broker: broker.connected }),
    routes: dashboardHttpRoutes({
      sessions,
      feed,
      checkout,
      operations,
      services: broker.topology.services.map((queues) => queues.service),
      tasks: SHOP_REGISTRY.tasks.map(({ task }) => task),
      replayRate: config.DASHBOARD_REPLAY_RATE,
      streams,
      trustProxy: config.TRUST_PROXY,
    }),
  });
  const http = await startHttpServer(app, config.PORT, logger);

  return {
    port: http.port,
    async stop() {
      await feed.stop();
      for (const stream of streams) stream.end();
      await http.close();
      await broker.close();
    },
  };
}
