import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@shared/core/logging';
import {
  type ApiDescription,
  createHttpApp,
  documentedRoutes,
  type OpenApiDocument,
  registeredRoutes,
} from '@shared/http';
import { consumerHttpApp } from '@shared/operations';
import { summaryRoutes } from '@shop/analytics';
import { checkoutHttpRoutes } from '@shop/checkout';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { dashboardHttpRoutes } from '@shop/dashboard';
import { inventoryRoutes } from '@shop/inventory';
import { operationsHttpRoutes } from '@shop/operations';
import { receiptRoutes } from '@shop/pdf';
import type { Express } from 'express';
import { SERVICE_APIS } from './service-apis';

/**
 * Route coverage: each service's app, built by the same route functions its
 * process runs (with dependencies that are never called, since no request is
 * made), registers exactly the routes its committed OpenAPI document lists.
 */
const logger = createLogger('route-coverage', 'silent');
const unused = {} as never;

const consumer = (api: ApiDescription, routes?: (app: Express) => void) =>
  consumerHttpApp({ logger, db: unused, broker: unused, api, routes, errors: SHOP_ERRORS });
const app = (api: ApiDescription, routes: (app: Express) => void) =>
  createHttpApp({ logger, readiness: async () => ({}), api, routes, errors: SHOP_ERRORS });

type Service = keyof typeof SERVICE_APIS;
/** The services that serve routes of their own; any other is a consumer with only the common ones. */
const WITH_ROUTES: Partial<Record<Service, () => Express>> = {
  checkout: () =>
    app(
      SERVICE_APIS.checkout,
      checkoutHttpRoutes({
        orders: unused,
        adminToken: 'a-token-for-the-test',
        trustProxy: 0,
        // The committed document is the whole API, the demo's classic route included.
        classic: [],
      }),
    ),
  pdf: () => consumer(SERVICE_APIS.pdf, receiptRoutes(unused)),
  inventory: () => consumer(SERVICE_APIS.inventory, inventoryRoutes(unused)),
  analytics: () => consumer(SERVICE_APIS.analytics, summaryRoutes(unused)),
  operations: () =>
    app(
      SERVICE_APIS.operations,
      operationsHttpRoutes({
        deadLetters: unused,
        consumers: { ...(unused as object), services: [] } as never,
        adminToken: 'a-token-for-the-test',
      }),
    ),
  dashboard: () =>
    app(SERVICE_APIS.dashboard, dashboardHttpRoutes({ ...(unused as object), services: [] } as never)),
};
const appOf = (service: Service) => WITH_ROUTES[service]?.() ?? consumer(SERVICE_APIS[service]);

const committed = (service: string): OpenApiDocument =>
  JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'contracts', 'openapi', `${service}.json`), 'utf8'),
  ) as OpenApiDocument;

describe('route coverage', () => {
  test('When a service serves routes of its own here, then it is a described service', () => {
    for (const service of Object.keys(WITH_ROUTES)) expect(Object.keys(SERVICE_APIS)).toContain(service);
  });

  test.each(Object.keys(SERVICE_APIS) as Service[])(
    'When %s builds its app, then it registers exactly the routes its committed document lists',
    (service) => {
      const registered = registeredRoutes(appOf(service));

      expect([...registered].sort()).toEqual([...documentedRoutes(committed(service))].sort());
      expect(registered).toContain('get /openapi.json');
    },
  );
});
