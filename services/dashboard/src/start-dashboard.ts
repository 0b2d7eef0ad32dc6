import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { addRoute, createHttpApp, sendProblem, startHttpServer } from '@shop/shared/http';
import type { Logger } from '@shop/shared/logging';
import { connectBroker, QueueCensus } from '@shop/shared/messaging';
import type { Express } from 'express';
import helmet from 'helmet';
import type { DashboardConfig } from './config';
import { DASHBOARD_API, DASHBOARD_ROUTES } from './http/dashboard-api';
import { dashboardRoutes } from './http/dashboard-routes';
import { Sessions } from './http/sessions';
import { LiveFeed } from './live/live-feed';
import { CheckoutApi } from './sources/checkout-api';

/**
 * The dashboard, wired in the order it starts: broker (read-only use: queue
 * counts), checkout's APIs, the shared live feed, sessions, HTTP. It owns no
 * data: everything it shows is read from the broker, checkout and the
 * services' /metrics when asked.
 */
export async function startDashboard(config: DashboardConfig, logger: Logger) {
  const broker = await connectBroker(SHOP_REGISTRY, config, logger, {
    waitForConnection: false,
    connectionName: `dashboard#${process.pid}`,
  });
  const checkout = new CheckoutApi(config.CHECKOUT_URL, config.ADMIN_TOKEN);
  const feed = new LiveFeed(
    {
      census: new QueueCensus(broker),
      checkout,
      serviceUrls: config.serviceUrls,
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
    errors: SHOP_ERRORS,
    api: DASHBOARD_API,
    readiness: async () => ({ broker: broker.connected }),
    routes: (app) => {
      app.use(securityHeaders());
      serveAssets(app);
      dashboardRoutes({
        sessions,
        feed,
        checkout,
        services: broker.topology.services.map((queues) => queues.service),
        tasks: SHOP_REGISTRY.tasks.map(({ task }) => task),
        replayRate: config.DASHBOARD_REPLAY_RATE,
        streams,
      })(app);
    },
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

/**
 * Only this origin's scripts, styles and connections (no CDN: the page works
 * offline), never framed. No upgrade-insecure-requests: a dashboard reached
 * over plain HTTP inside a cluster must still load its own assets.
 */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // no-referrer (helmet's default) makes Chromium send "Origin: null" with a form's POST,
    // which the origin check must refuse; same-origin keeps the real origin on our own requests.
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** The page's own files and the three libraries it uses, from node_modules: nothing from elsewhere. */
function serveAssets(app: Express) {
  const publicFile = (name: string) => join(__dirname, '..', 'public', name);
  const files: Record<string, string> = {
    'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
    'idiomorph-ext.min.js': require.resolve('idiomorph/dist/idiomorph-ext.min.js'),
    'uPlot.iife.min.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
    'uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
    'dashboard.css': publicFile('dashboard.css'),
    'dashboard.js': publicFile('dashboard.js'),
  };
  addRoute(app, DASHBOARD_ROUTES.asset, ({ params }, _req, res) => {
    const path = Object.hasOwn(files, params.file) ? files[params.file] : undefined;
    if (!path) return sendProblem(res, { status: 404, title: 'Not Found', detail: 'No such asset' });
    res.sendFile(path);
  });
}
