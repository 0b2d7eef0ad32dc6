import type { Express } from 'express';
import { type CheckoutRoutesDeps, checkoutRoutes } from './checkout-routes';

export interface CheckoutHttpDeps {
  orders: CheckoutRoutesDeps;
  /** ADMIN_TOKEN: the operators' bearer token, for listing orders; unset, that route answers 404. */
  adminToken: string | undefined;
  /** TRUST_PROXY: proxies whose X-Forwarded-For names the client. */
  trustProxy: number;
}

/** Every route checkout serves (checkout-api.ts describes each): orders and products. */
export function checkoutHttpRoutes(deps: CheckoutHttpDeps) {
  return (app: Express) => {
    // Read when a route asks for req.ip: the client address the rate limit counts by.
    if (deps.trustProxy > 0) app.set('trust proxy', deps.trustProxy);
    checkoutRoutes(deps.orders, deps.adminToken)(app);
  };
}
