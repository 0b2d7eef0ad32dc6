import type { ApiDescription } from '@shared/http';
import { CLASSIC_ROUTES } from '../demo/classic-route';
import { ORDER_ROUTES } from './order-route-descriptions';

/**
 * Checkout's routes, described once (order-route-descriptions.ts, over
 * checkout-api-shapes.ts): Express serves them through addRoute
 * (checkout-routes.ts), which validates with these schemas, and its OpenAPI
 * document is generated from them. The operators' API is the operations
 * service's. The demo's classic route is served, and so described, only
 * with CLASSIC_MODE_ENABLED.
 */
export const CHECKOUT_ROUTES = { ...ORDER_ROUTES, ...CLASSIC_ROUTES };

/** Checkout's API as one process serves it: with the demo's route or without. */
export const checkoutApi = ({ classicMode }: { classicMode: boolean }): ApiDescription => ({
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
    demo: 'The classic checkout replayed for the demo: the same order, answered after the inline wait the classic story describes',
  },
  routes: Object.values(classicMode ? CHECKOUT_ROUTES : ORDER_ROUTES),
});

/** The whole API, the demo's route included: the OpenAPI document in contracts/openapi. */
export const CHECKOUT_API = checkoutApi({ classicMode: true });
