import type { ApiDescription } from '@shop/shared/http';
import { CONSUMER_ROUTES } from './consumer-route-descriptions';
import { DEAD_LETTER_ROUTES } from './dead-letter-route-descriptions';
import { ORDER_ROUTES } from './order-route-descriptions';

/**
 * Checkout's routes, described once (the orders', the dead letters' and the
 * consumers' *-route-descriptions.ts, over checkout-api-shapes.ts): Express
 * serves them through addRoute (checkout-routes.ts, admin-routes.ts,
 * consumer-admin-routes.ts), which validates with these schemas, and its
 * OpenAPI document is generated from them.
 */
export const CHECKOUT_ROUTES = { ...ORDER_ROUTES, ...DEAD_LETTER_ROUTES, ...CONSUMER_ROUTES };

export const CHECKOUT_API: ApiDescription = {
  title: 'checkout',
  version: '1.0.0',
  description:
    "Places orders (the card is charged and the order saved synchronously; everything else follows through RabbitMQ), shows each order with its fulfillment tasks, and the operators' admin API: dead letters, consumers, jobs. Every refusal is application/problem+json naming the offending fields.",
  auth: {
    adminToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN; without one configured, /admin and GET /orders answer 404',
    },
  },
  tags: {
    orders:
      "The shop's front: the catalogue, placing an order, and reading one back, all public; listing orders is the operators'",
    admin:
      "The operators' API, behind ADMIN_TOKEN: dead letters (search, dry run, replay, discard), the audit log, consumers (pause, resume) and jobs. The `npm run dlq` and `npm run consumers` CLIs and the dashboard are its clients",
  },
  routes: Object.values(CHECKOUT_ROUTES),
};
