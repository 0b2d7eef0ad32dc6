import type { ApiDescription } from '@shared/http';
import { ORDER_ROUTES } from './order-route-descriptions';

/**
 * Checkout's routes, described once (order-route-descriptions.ts, over
 * checkout-api-shapes.ts): Express serves them through addRoute
 * (checkout-routes.ts), which validates with these schemas, and its OpenAPI
 * document is generated from them. The operators' API is the operations
 * service's.
 */
export const CHECKOUT_ROUTES = { ...ORDER_ROUTES };

export const CHECKOUT_API: ApiDescription = {
  title: 'checkout',
  version: '1.0.0',
  description:
    'Places orders (the card is charged and the order saved synchronously; everything else follows through RabbitMQ), shows each order with its fulfillment tasks, and lists orders for the operators. Every refusal is application/problem+json naming the offending fields.',
  auth: {
    adminToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN; without one configured, GET /orders answers 404',
    },
  },
  tags: {
    orders:
      "The shop's front: the catalogue, placing an order, and reading one back, all public; listing orders is the operators'",
  },
  routes: Object.values(CHECKOUT_ROUTES),
};
