/** What the dashboard offers code outside it: its API's route descriptions and routes. */
export { DASHBOARD_API, DASHBOARD_ROUTES } from './http/dashboard-api';
export { dashboardHttpRoutes } from './http/dashboard-http';
