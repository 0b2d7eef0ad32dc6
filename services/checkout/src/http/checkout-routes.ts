import { AppError } from '@shop/shared/errors';
import { fieldName, sendProblem } from '@shop/shared/http';
import type { Express, NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { OrdersRepository } from '../data/orders-repository';
import { waitLikeClassicCheckout } from '../domain/classic-checkout';
import { classicModeOff, invalidRequest, orderNotFound } from '../domain/order-errors';
import { type PlaceOrderDeps, placeOrder } from '../domain/place-order';
import { orderRepresentation } from './order-representation';
import { idempotencyKeySchema, listQuerySchema, orderRequestSchema } from './order-request-schema';
import { RETRY_LATER } from './status-of';

export interface CheckoutRoutesDeps extends Omit<PlaceOrderDeps, 'log'> {
  orders: OrdersRepository;
  retryAfterSeconds: number;
  classicModeEnabled: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The orders and products API. Routes parse, call one use case or query, and map the result. */
export function checkoutRoutes(deps: CheckoutRoutesDeps) {
  return (app: Express) => {
    app.get('/products', async (_req, res) => {
      const products = await deps.orders.listProducts();
      res.json(products.map(({ sku, name, priceCents, currency }) => ({ sku, name, priceCents, currency })));
    });

    app.post('/orders', async (req, res) => {
      // express.json() leaves other media types unparsed, so a form or text body would look empty.
      if (!req.is('application/json')) {
        return sendProblem(res, {
          status: 415,
          title: 'Unsupported Media Type',
          detail: 'Send the order as Content-Type: application/json',
        });
      }
      // ?mode=classic: the demo's synchronous checkout (domain/classic-checkout.ts).
      const classic = req.query.mode === 'classic';
      if (classic && !deps.classicModeEnabled) throw classicModeOff();
      const request = parse(orderRequestSchema, req.body);
      const key = req.get('Idempotency-Key');
      const idempotencyKey =
        key === undefined ? undefined : parse(idempotencyKeySchema, key, 'Idempotency-Key');
      const order = await placeOrder(
        { request, idempotencyKey, correlationId: req.correlationId },
        { ...deps, log: req.log },
      );
      if (classic) await waitLikeClassicCheckout();
      res.status(201).location(`/orders/${order.id}`).json(orderRepresentation(order));
    });

    app.get('/orders', async (req, res) => {
      const { limit } = parse(listQuerySchema, { limit: req.query.limit });
      const orders = await deps.orders.listRecent(limit);
      res.json(orders.map(orderRepresentation));
    });

    app.get('/orders/:id', async (req, res) => {
      const { id } = req.params;
      const order = UUID.test(id) ? await deps.orders.findById(id) : null;
      if (!order) throw orderNotFound(id);
      res.json(orderRepresentation(order));
    });

    app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (error instanceof AppError && RETRY_LATER.has(error.code)) {
        res.set('Retry-After', String(deps.retryAfterSeconds));
      }
      next(error);
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
