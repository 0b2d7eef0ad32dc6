import type { DeadLetters } from '@shop/shared/dead-letters';
import type { Express } from 'express';
import { adminRoutes } from './admin-routes';
import { type CheckoutRoutesDeps, checkoutRoutes } from './checkout-routes';
import { type ConsumerAdminDeps, consumerAdminRoutes } from './consumer-admin-routes';

export interface CheckoutHttpDeps {
  orders: CheckoutRoutesDeps;
  deadLetters: DeadLetters;
  // Their pauses and resumes go to the dead letters' audit log.
  consumers: Omit<ConsumerAdminDeps, 'audit'>;
  /** ADMIN_TOKEN: the admin API's bearer token, also for listing orders; unset, both answer 404. */
  adminToken: string | undefined;
  /** TRUST_PROXY: proxies whose X-Forwarded-For names the client. */
  trustProxy: number;
}

/** Every route checkout serves (checkout-api.ts describes each): the operators' admin API, orders and products. */
export function checkoutHttpRoutes(deps: CheckoutHttpDeps) {
  return (app: Express) => {
    // Read when a route asks for req.ip: the client address the rate limit counts by.
    if (deps.trustProxy > 0) app.set('trust proxy', deps.trustProxy);
    app.use(adminRoutes(deps.deadLetters, deps.adminToken));
    app.use(consumerAdminRoutes({ ...deps.consumers, audit: deps.deadLetters }, deps.adminToken));
    checkoutRoutes(deps.orders, deps.adminToken)(app);
  };
}
