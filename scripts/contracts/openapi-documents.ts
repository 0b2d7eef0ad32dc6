import { ANALYTICS_API } from '@shop/analytics';
import { CHECKOUT_API } from '@shop/checkout';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { DASHBOARD_API } from '@shop/dashboard';
import { EMAIL_API } from '@shop/email';
import { INVENTORY_API } from '@shop/inventory';
import { PDF_API } from '@shop/pdf';
import {
  type ApiDescription,
  type ErrorTable,
  type OpenApiDocument,
  openApiDocument,
} from '@shop/shared/http';
import { WEBHOOKS_API } from '@shop/webhooks';

/** Each service's HTTP API, the same description its createHttpApp serves as /openapi.json. */
export const SERVICE_APIS = {
  checkout: CHECKOUT_API,
  email: EMAIL_API,
  pdf: PDF_API,
  inventory: INVENTORY_API,
  analytics: ANALYTICS_API,
  dashboard: DASHBOARD_API,
  webhooks: WEBHOOKS_API,
} satisfies Record<string, ApiDescription>;

/** The OpenAPI document of every service, by service. */
export function openApiDocuments(
  apis: Record<string, ApiDescription> = SERVICE_APIS,
  errors: ErrorTable = SHOP_ERRORS,
): Record<string, OpenApiDocument> {
  return Object.fromEntries(
    Object.entries(apis).map(([service, api]) => [service, openApiDocument(api, errors)]),
  );
}
