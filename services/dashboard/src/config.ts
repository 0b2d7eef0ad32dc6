import {
  duration,
  httpVariables,
  loadConfig,
  loggingVariables,
  messagingVariables,
  proxyVariables,
} from '@shared/core/config';
import { tracingVariables } from '@shared/core/tracing';
import { portOf, SHOP_MANIFEST, SHOP_REGISTRY } from '@shop/contracts/registry';
import { z } from 'zod';

/** The services whose /metrics the dashboard reads: every process of the registry. */
export const SERVICES = SHOP_REGISTRY.entries.map((entry) => entry.service);

const url = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);

/** `EMAIL_URL`, `PDF_URL`, ...: one variable per service, named after it. */
const serviceUrlVariables = Object.fromEntries(
  SERVICES.map((service) => [`${service.toUpperCase()}_URL`, url(`http://localhost:${portOf(service)}`)]),
);

const variables = {
  ...httpVariables(SHOP_MANIFEST.dashboard.port),
  // Behind a TLS-terminating proxy, 1: the page's origin is https and its cookie Secure.
  ...proxyVariables,
  ...loggingVariables,
  ...messagingVariables,
  ...tracingVariables,
  ...serviceUrlVariables,
  CHECKOUT_URL: url(`http://localhost:${SHOP_MANIFEST.checkout.port}`),
  /** The operators' API: dead letters, the audit log, consumers and jobs. */
  OPERATIONS_URL: url(`http://localhost:${SHOP_MANIFEST.operations.port}`),
  /** The operators' admin token: signs operators in; the dashboard calls the operations service's API and checkout's order search with it. */
  ADMIN_TOKEN: z
    .string()
    .min(16, 'use at least 16 characters, as the operations service requires of the same token'),
  /** Signs in read-only: every view, no action. Off when unset. */
  VIEWER_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** How often the page is updated: queues, orders, consumers. */
  DASHBOARD_REFRESH: duration('1s'),
  /** How often the services' /metrics are read (rates, latencies, error rates). */
  DASHBOARD_SCRAPE_INTERVAL: duration('2s'),
  /** Replays per second at most, per click. */
  DASHBOARD_REPLAY_RATE: z.coerce.number().positive().max(1_000).default(10),
  /** Signed-in sessions end after this long without a request. */
  SESSION_IDLE_TIMEOUT: duration('8h'),
};

export type DashboardConfig = ReturnType<typeof loadDashboardConfig>;

export function loadDashboardConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(variables, source, (loaded) =>
    loaded.VIEWER_TOKEN !== undefined && loaded.VIEWER_TOKEN === loaded.ADMIN_TOKEN
      ? ['VIEWER_TOKEN: must differ from ADMIN_TOKEN']
      : [],
  );
  return {
    ...config,
    /** Each service's base URL, by service name. */
    serviceUrls: Object.fromEntries(
      SERVICES.map((service) => [service, String(config[`${service.toUpperCase()}_URL` as 'CHECKOUT_URL'])]),
    ) as Record<string, string>,
  };
}
