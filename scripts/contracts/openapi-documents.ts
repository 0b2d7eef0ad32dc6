import { type ApiDescription, type ErrorTable, type OpenApiDocument, openApiDocument } from '@shared/http';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SERVICE_APIS } from './service-apis';

/** The OpenAPI document of every service, by service. */
export function openApiDocuments(
  apis: Record<string, ApiDescription> = SERVICE_APIS,
  errors: ErrorTable = SHOP_ERRORS,
): Record<string, OpenApiDocument> {
  return Object.fromEntries(
    Object.entries(apis).map(([service, api]) => [service, openApiDocument(api, errors)]),
  );
}
