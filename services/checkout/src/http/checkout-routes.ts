import { activeTraceparent } from '@shared/core/tracing';
import { addRoute, type ParsedRequest, sendProblem } from '@shared/http';
import type { Rate } from '@shared/operations';
import { requireAdmin } from '@shop/contracts/operations-api';
import type { Express, Request, RequestHandler } from 'express';
import type { Catalogue } from '../data/catalogue';
import type { OrdersRepository } from '../data/orders-repository';
import { orderNotFound } from '../domain/order-errors';
import type { OrderSnapshot } from '../domain/order-snapshot';
import { type PlaceOrderDeps, placeOrder } from '../domain/place-order';
import { CHECKOUT_ROUTES } from './checkout-api';
import { orderRateLimit } from './order-rate-limit';
import { orderRepresentation } from './order-representation';

export interface CheckoutRoutesDeps extends Omit<PlaceOrderDeps, 'log' | 'catalogue'> {
  orders: OrdersRepository;
  catalogue: Pick<Catalogue, 'find' | 'list'>;
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
 * Placing an order, as POST /orders does it and the demo's classic route
 * replays it: the route's middleware, then the use case, giving the 201's
 * Location and body. Both routes share one, so they share one rate limit.
 */
export function orderPlacement(deps: CheckoutRoutesDeps) {
  const middleware = [orderRateLimit(deps.orderRate), requireJson];
  const place = async (
    { body: request, headers }: ParsedRequest<typeof CHECKOUT_ROUTES.placeOrder>,
    req: Request,
  ) => {
    const order = await placeOrder(
      {
        request,
        idempotencyKey: headers['Idempotency-Key'],
        correlationId: req.correlationId,
        traceparent: activeTraceparent(),
      },
      { ...deps, log: req.log },
    );
    return { location: `/orders/${order.id}`, body: orderRepresentation(order, deps.tasks) };
  };
  return { middleware, place };
}

/** What orderPlacement gives: the order route's middleware and its use case. */
export type OrderPlacement = ReturnType<typeof orderPlacement>;

/**
 * The orders and products API. Routes parse (addRoute, with checkout-api.ts's
 * schemas), call one use case or query, and map the result. Listing and
 * searching orders shows every customer's, so it is the operators' (behind
 * `adminToken`, ADMIN_TOKEN); an order's own UUID link stays public.
 */
export function checkoutRoutes(
  deps: CheckoutRoutesDeps,
  adminToken: string | undefined,
  { place, middleware }: OrderPlacement = orderPlacement(deps),
) {
  const represent = (order: OrderSnapshot) => orderRepresentation(order, deps.tasks);
  return (app: Express) => {
    addRoute(app, CHECKOUT_ROUTES.products, async (_input, _req, res) => {
      const products = await deps.catalogue.list();
      res.json(products.map(({ sku, name, priceCents, currency }) => ({ sku, name, priceCents, currency })));
    });

    addRoute(
      app,
      CHECKOUT_ROUTES.placeOrder,
      async (input, req, res) => {
        const order = await place(input, req);
        res.status(201).location(order.location).json(order.body);
      },
      middleware,
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
