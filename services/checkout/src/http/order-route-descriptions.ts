import { defineRoute } from '@shared/http';
import { ADMIN, ADMIN_REFUSALS } from '@shop/contracts/operations-api';
import { z } from 'zod';
import { invalidRequest, ORDER_ERRORS, orderNotFound } from '../domain/order-errors';
import { orderSchema, product } from './checkout-api-shapes';
import { idempotencyKeySchema, listQuerySchema, orderRequestSchema } from './order-request-schema';

/** The shop's front (checkout-routes.ts serves them): the catalogue, placing an order, reading orders back. */
export const ORDER_ROUTES = {
  products: defineRoute({
    method: 'get',
    path: '/products',
    tag: 'orders',
    summary: 'The catalogue',
    description:
      "Every product a shopper can order, with its price in cents and its currency, from checkout's catalogue. Public; changes nothing.",
    answers: { 200: { description: 'Every product, by SKU', body: z.array(product) } },
    errors: [ORDER_ERRORS.databaseUnavailable],
  }),
  placeOrder: defineRoute({
    method: 'post',
    path: '/orders',
    tag: 'orders',
    summary: 'Place an order: charge the card, save the order, publish OrderCompleted',
    description:
      'Public: any shopper may place an order (ORDER_RATE_LIMIT, when set, caps the requests per client address). Prices the lines from the catalogue and saves the order as pending, charges the card, then confirms the order and writes its checkout.order.completed event in one transaction (the outbox); it answers once that commits, and the confirmation email, the receipt, the stock and the sales figures follow through RabbitMQ. A declined card is saved as a declined order and answered 402. The same Idempotency-Key with the same body answers the same order again and charges nothing more; with another body it is refused (409). The body must be `application/json`.',
    headers: z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() }),
    body: orderRequestSchema,
    invalid: invalidRequest,
    answers: {
      201: {
        description: 'The order, confirmed (or declined: see 402)',
        body: orderSchema,
        headers: { Location: 'The order: /orders/{id}' },
      },
    },
    errors: [
      ORDER_ERRORS.paymentDeclined,
      ORDER_ERRORS.idempotencyKeyReused,
      ORDER_ERRORS.requestInProgress,
      ORDER_ERRORS.unknownSku,
      ORDER_ERRORS.rateLimited,
      ORDER_ERRORS.notSaved,
      ORDER_ERRORS.pending,
      ORDER_ERRORS.databaseUnavailable,
      ORDER_ERRORS.backlogFull,
    ],
  }),
  listOrders: defineRoute({
    method: 'get',
    path: '/orders',
    tag: 'orders',
    auth: ADMIN.auth,
    summary: "Recent orders, or one customer's, or those whose id starts with a prefix (operators)",
    description:
      "An operators' route: it shows every customer's orders, so it needs the admin token and answers 404 while none is configured. A shopper reads their own order at /orders/{id}, the link the order's answer gives. Filters by email (whole, in any case) or by id prefix (8 or more characters); changes nothing.",
    query: listQuerySchema,
    invalid: invalidRequest,
    answers: { 200: { description: 'Orders, newest first', body: z.array(orderSchema) } },
    errors: [...ADMIN_REFUSALS, ORDER_ERRORS.databaseUnavailable],
  }),
  order: defineRoute({
    method: 'get',
    path: '/orders/{id}',
    tag: 'orders',
    summary: 'An order and the status of each of its fulfillment tasks',
    description:
      "The order as saved, and once it is confirmed, each fulfillment task's status, attempts and timeline as the services report them. Public: the order's id is an unguessable UUID, given only to whoever placed the order, so the link is the shopper's. Changes nothing.",
    // Only a UUID is looked up: anything else is not found without a query.
    params: z.object({ id: z.guid() }),
    invalid: () => orderNotFound('with that id: an order id is a UUID'),
    answers: { 200: { description: 'The order', body: orderSchema } },
    errors: [ORDER_ERRORS.notFound, ORDER_ERRORS.databaseUnavailable],
  }),
};
