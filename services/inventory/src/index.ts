/** What inventory offers code outside it: its API's route descriptions and routes. */
export { INVENTORY_API, INVENTORY_ROUTES } from './http/inventory-api';
export { inventoryRoutes } from './http/inventory-routes';
