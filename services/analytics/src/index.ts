/** What analytics offers code outside it: its API's route descriptions and routes. */
export { ANALYTICS_API, ANALYTICS_ROUTES } from './http/analytics-api';
export { summaryRoutes } from './http/summary-routes';
