import { defineRoute } from '@shared/http';
import { ORDER_ROUTES } from '../http/order-route-descriptions';

/** The demo's route (classic-checkout.ts serves it), described only while CLASSIC_MODE_ENABLED registers it. */
export const CLASSIC_ROUTES = {
  placeClassicOrder: defineRoute({
    ...ORDER_ROUTES.placeOrder,
    path: '/classic/orders',
    tag: 'demo',
    summary: 'The demo: place an order, then wait as long as the classic checkout made the shopper wait',
    description:
      "Served only with CLASSIC_MODE_ENABLED=true (`npm start` and compose turn it on); otherwise 404. Places the order exactly as POST /orders does, then waits before answering as long as the classic checkout's inline work took: for each task of the registry, its consumer's `classicInlineMs` (email 2 s, receipt 3 s, inventory 2 s, analytics 1 s). The effects still follow through RabbitMQ, once.",
    answers: {
      201: {
        ...ORDER_ROUTES.placeOrder.answers[201],
        headers: {
          ...ORDER_ROUTES.placeOrder.answers[201].headers,
          'Server-Timing':
            'Each task and how long the classic checkout made the shopper wait for it: `email;dur=2000, ...`',
        },
      },
    },
  }),
};
