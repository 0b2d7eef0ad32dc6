import type { Rate } from '@shop/shared/controls';
import { fieldName, isUuid, sendProblem } from '@shop/shared/http';
import type { Express } from 'express';
import type { z } from 'zod';
import type { Catalogue } from '../data/catalogue';
import type { OrdersRepository } from '../data/orders-repository';
import type { OrderDemo } from '../demo/classic-checkout';
import { invalidRequest, orderNotFound } from '../domain/order-errors';
import type { OrderSnapshot } from '../domain/order-snapshot';
import { type PlaceOrderDeps, placeOrder } from '../domain/place-order';
import { orderRateLimit } from './order-rate-limit';
import { orderRepresentation } from './order-representation';
import { idempotencyKeySchema, listQuerySchema, orderRequestSchema } from './order-request-schema';

export interface CheckoutRoutesDeps extends Omit<PlaceOrderDeps, 'log' | 'catalogue'> {
  orders: OrdersRepository;
  catalogue: Pick<Catalogue, 'find' | 'list'>;
  /** The demo profile's classic mode, when wired in (start-checkout.ts). */
  demo?: OrderDemo;
  /** ORDER_RATE_LIMIT: orders per client address; unset, no limit. */
  orderRate?: Rate;
}

/** The orders and products API. Routes parse, call one use case or query, and map the result. */
export function checkoutRoutes(deps: CheckoutRoutesDeps) {
  const represent = (order: OrderSnapshot) => orderRepresentation(order, deps.tasks);
  return (app: Express) => {
    app.get('/products', async (_req, res) => {
      const products = await deps.catalogue.list();
      res.json(products.map(({ sku, name, priceCents, currency }) => ({ sku, name, priceCents, currency })));
    });

    app.post('/orders', orderRateLimit(deps.orderRate), async (req, res) => {
      // express.json() leaves other media types unparsed, so a form or text body would look empty.
      if (!req.is('application/json')) {
        return sendProblem(res, {
          status: 415,
          title: 'Unsupported Media Type',
          detail: 'Send the order as Content-Type: application/json',
        });
      }
      deps.demo?.beforePlacing(req);
      const request = parse(orderRequestSchema, req.body);
      const key = req.get('Idempotency-Key');
      const idempotencyKey =
        key === undefined ? undefined : parse(idempotencyKeySchema, key, 'Idempotency-Key');
      const order = await placeOrder(
        { request, idempotencyKey, correlationId: req.correlationId },
        { ...deps, log: req.log },
      );
      await deps.demo?.afterPlaced(req);
      res.status(201).location(`/orders/${order.id}`).json(represent(order));
    });

    app.get('/orders', async (req, res) => {
      const { limit, email, id } = parse(listQuerySchema, {
        limit: req.query.limit,
        email: req.query.email,
        id: req.query.id,
      });
      const orders = await deps.orders.search({ limit, email, idPrefix: id });
      res.json(orders.map(represent));
    });

    app.get('/orders/:id', async (req, res) => {
      const { id } = req.params;
      const order = isUuid(id) ? await deps.orders.findById(id) : null;
      if (!order) throw orderNotFound(id);
      res.json(represent(order));
    });
  };
}

/** Validates `value`, or throws a 400 naming every offending field. */
function parse<Schema extends z.ZodType>(schema: Schema, value: unknown, field?: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequest(
    result.error.issues.map((issue) => ({
      field: field ?? (fieldName(issue.path) || '(body)'),
      message: issue.message,
    })),
  );
}
