import { join } from 'node:path';
import { permanentError } from '@shared/core/errors';
import { addRoute } from '@shared/http';
import type { Express } from 'express';
import helmet from 'helmet';
import { DASHBOARD_ROUTES } from './dashboard-api';
import type { DashboardDeps } from './dashboard-deps';
import { DASHBOARD_ERRORS } from './dashboard-errors';
import { dashboardRoutes } from './dashboard-routes';

/** Every route the dashboard serves (dashboard-api.ts describes each), behind its own security headers. */
export function dashboardHttpRoutes(deps: DashboardDeps) {
  return (app: Express) => {
    app.use(securityHeaders());
    serveAssets(app);
    dashboardRoutes(deps)(app);
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
  const publicFile = (name: string) => join(__dirname, '..', '..', 'public', name);
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
    if (!path) {
      throw permanentError(DASHBOARD_ERRORS.notFound, 'Not Found', { details: { detail: 'No such asset' } });
    }
    res.sendFile(path);
  });
}
