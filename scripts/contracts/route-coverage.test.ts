import { readFileSync } from 'node:fs';
import path from 'node:path';
import { summaryRoutes } from '@shop/analytics';
import { checkoutHttpRoutes } from '@shop/checkout';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { dashboardHttpRoutes } from '@shop/dashboard';
import { inventoryRoutes } from '@shop/inventory';
import { operationsHttpRoutes } from '@shop/operations';
import { receiptRoutes } from '@shop/pdf';
import {
  type ApiDescription,
  createHttpApp,
  documentedRoutes,
  type OpenApiDocument,
  registeredRoutes,
} from '@shop/shared/http';
import { consumerHttpApp } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
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
const APPS: Record<Service, () => Express> = {
  checkout: () =>
    app(
      SERVICE_APIS.checkout,
      checkoutHttpRoutes({
        orders: unused,
        adminToken: 'a-token-for-the-test',
        trustProxy: 0,
      }),
    ),
  email: () => consumer(SERVICE_APIS.email),
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

const committed = (service: string): OpenApiDocument =>
  JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'contracts', 'openapi', `${service}.json`), 'utf8'),
  ) as OpenApiDocument;

describe('route coverage', () => {
  test('When every service is described, then each has an app here', () => {
    expect(Object.keys(APPS).sort()).toEqual(Object.keys(SERVICE_APIS).sort());
  });

  test.each(Object.keys(APPS) as Service[])(
    'When %s builds its app, then it registers exactly the routes its committed document lists',
    (service) => {
      const registered = registeredRoutes(APPS[service]());

      expect([...registered].sort()).toEqual([...documentedRoutes(committed(service))].sort());
      expect(registered).toContain('get /openapi.json');
    },
  );
});
