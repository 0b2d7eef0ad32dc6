import type { Express } from 'express';
import { classicCheckoutRoutes, type InlineWork } from '../demo/classic-checkout';
import { type CheckoutRoutesDeps, checkoutRoutes, orderPlacement } from './checkout-routes';

export interface CheckoutHttpDeps {
  orders: CheckoutRoutesDeps;
  /** ADMIN_TOKEN: the operators' bearer token, for listing orders; unset, that route answers 404. */
  adminToken: string | undefined;
  /** TRUST_PROXY: proxies whose X-Forwarded-For names the client. */
  trustProxy: number;
  /** CLASSIC_MODE_ENABLED: the demo's classic route, with the inline work it waits for; absent, no such route. */
  classic?: readonly InlineWork[];
}

/** Every route checkout serves (checkout-api.ts describes each): orders and products, and the demo's when enabled. */
export function checkoutHttpRoutes(deps: CheckoutHttpDeps) {
  return (app: Express) => {
    // Read when a route asks for req.ip: the client address the rate limit counts by.
    if (deps.trustProxy > 0) app.set('trust proxy', deps.trustProxy);
    const placement = orderPlacement(deps.orders);
    checkoutRoutes(deps.orders, deps.adminToken, placement)(app);
    if (deps.classic) classicCheckoutRoutes(placement, deps.classic)(app);
  };
}
