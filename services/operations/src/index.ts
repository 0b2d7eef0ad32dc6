/**
 * What the operations service offers code outside it (scripts, the suite):
 * its API's description, its routes and its configuration. Every other file
 * of this folder is its own; `npm run check:boundaries` keeps it so.
 */
export { OPERATIONS_ROUTES } from '@shop/contracts/operations-api';
export { loadOperationsConfig } from './config';
export { OPERATIONS_API } from './http/operations-api';
export { operationsHttpRoutes } from './http/operations-http';
