import { activeTraceparent } from '@shared/core/tracing';
import { addRoute, sendProblem } from '@shared/http';
import type { Rate } from '@shared/operations';
import { requireAdmin } from '@shop/contracts/operations-api';
import type { Express, RequestHandler } from 'express';
import type { Catalogue } from '../data/catalogue';
import type { OrdersRepository } from '../data/orders-repository';
import type { OrderDemo } from '../demo/classic-checkout';
import { orderNotFound } from '../domain/order-errors';
import type { OrderSnapshot } from '../domain/order-snapshot';
import { type PlaceOrderDeps, placeOrder } from '../domain/place-order';
import { CHECKOUT_ROUTES } from './checkout-api';
import { orderRateLimit } from './order-rate-limit';
import { orderRepresentation } from './order-representation';

export interface CheckoutRoutesDeps extends Omit<PlaceOrderDeps, 'log' | 'catalogue'> {
  orders: OrdersRepository;
  catalogue: Pick<Catalogue, 'find' | 'list'>;
  /** The demo profile's classic mode, when wired in (start-checkout.ts). */
  demo?: OrderDemo;
  /** ORDER_RATE_LIMIT: orders per client address; unset, no limit. */
  orderRate?: Rate;
}

/** express.json() leaves other media types unparsed, so a form or text body would look empty. */
const requireJson: RequestHandler = (req, res, next) => {
  if (req.is('application/json')) return next();
  sendProblem(res, {
    status: 415,
    title: 'Unsupported Media Type',
    detail: 'Send the order as Content-Type: application/json',
  });
};

/**
 * The orders and products API. Routes parse (addRoute, with checkout-api.ts's
 * schemas), call one use case or query, and map the result. Listing and
 * searching orders shows every customer's, so it is the operators' (behind
 * `adminToken`, ADMIN_TOKEN); an order's own UUID link stays public.
 */
export function checkoutRoutes(deps: CheckoutRoutesDeps, adminToken: string | undefined) {
  const represent = (order: OrderSnapshot) => orderRepresentation(order, deps.tasks);
  return (app: Express) => {
    addRoute(app, CHECKOUT_ROUTES.products, async (_input, _req, res) => {
      const products = await deps.catalogue.list();
      res.json(products.map(({ sku, name, priceCents, currency }) => ({ sku, name, priceCents, currency })));
    });

    const demo: RequestHandler = (req, _res, next) => {
      deps.demo?.beforePlacing(req);
      next();
    };
    addRoute(
      app,
      CHECKOUT_ROUTES.placeOrder,
      async ({ body: request, headers }, req, res) => {
        const order = await placeOrder(
          {
            request,
            idempotencyKey: headers['Idempotency-Key'],
            correlationId: req.correlationId,
            traceparent: activeTraceparent(),
          },
          { ...deps, log: req.log },
        );
        await deps.demo?.afterPlaced(req);
        res.status(201).location(`/orders/${order.id}`).json(represent(order));
      },
      [orderRateLimit(deps.orderRate), requireJson, demo],
    );

    addRoute(
      app,
      CHECKOUT_ROUTES.listOrders,
      async ({ query: { limit, email, id } }, _req, res) => {
        const orders = await deps.orders.search({ limit, email, idPrefix: id });
        res.json(orders.map(represent));
      },
      [requireAdmin(adminToken)],
    );

    addRoute(app, CHECKOUT_ROUTES.order, async ({ params: { id } }, _req, res) => {
      const order = await deps.orders.findById(id);
      if (!order) throw orderNotFound(id);
      res.json(represent(order));
    });
  };
}
