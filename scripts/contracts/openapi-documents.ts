import { SHOP_ERRORS } from '@shop/contracts/errors';
import {
  type ApiDescription,
  type ErrorTable,
  type OpenApiDocument,
  openApiDocument,
} from '@shop/shared/http';
import { ANALYTICS_API } from '../../services/analytics/src/http/analytics-api';
import { CHECKOUT_API } from '../../services/checkout/src/http/checkout-api';
import { DASHBOARD_API } from '../../services/dashboard/src/http/dashboard-api';
import { EMAIL_API } from '../../services/email/src/http/email-api';
import { INVENTORY_API } from '../../services/inventory/src/http/inventory-api';
import { PDF_API } from '../../services/pdf/src/http/pdf-api';

/** Each service's HTTP API, the same description its createHttpApp serves as /openapi.json. */
export const SERVICE_APIS = {
  checkout: CHECKOUT_API,
  email: EMAIL_API,
  pdf: PDF_API,
  inventory: INVENTORY_API,
  analytics: ANALYTICS_API,
  dashboard: DASHBOARD_API,
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
