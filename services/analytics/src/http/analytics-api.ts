import { permanentError } from '@shared/core/errors';
import { type ApiDescription, defineRoute, type FieldError } from '@shared/http';
import type { ShopErrorCode } from '@shop/contracts/errors';
import { z } from 'zod';

const INVALID_PERIOD: ShopErrorCode = 'ANALYTICS.INVALID_PERIOD';
const instant = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 date-time with an offset' })
  .optional();

/** The analytics service's routes, for Express (summary-routes.ts) and its OpenAPI document alike. */
export const ANALYTICS_ROUTES = {
  summary: defineRoute({
    method: 'get',
    path: '/analytics/summary',
    tag: 'analytics',
    summary: 'Sales over a period',
    description:
      "Sums the order facts this service recorded from checkout.order.completed for the orders placed in [from, to) (either end may be left open): their count, revenue, items sold and the five best-selling SKUs. Public; the email service's sales report (weekly, by default) reads it. Changes nothing.",
    query: z.object({
      from: instant.meta({ description: 'Start, inclusive (ISO 8601 with an offset)' }),
      to: instant.meta({ description: 'End, exclusive (ISO 8601 with an offset)' }),
    }),
    invalid: (errors: FieldError[]) =>
      permanentError(INVALID_PERIOD, 'The period is invalid', { details: { errors } }),
    answers: {
      200: {
        description: "The period's orders, revenue, items and best-selling products",
        body: z.object({
          orders: z.number().int(),
          revenueCents: z.number().int(),
          itemsSold: z.number().int(),
          topProducts: z
            .array(z.object({ sku: z.string(), quantity: z.number().int(), revenueCents: z.number().int() }))
            .meta({ description: 'The five best-selling SKUs by quantity' }),
        }),
      },
    },
    errors: [INVALID_PERIOD],
  }),
};

export const ANALYTICS_API: ApiDescription = {
  title: 'analytics',
  version: '1.0.0',
  description: 'One fact per completed order (checkout.order.completed), summed up as sales over a period.',
  tags: { analytics: 'Sales figures from the orders this service has recorded' },
  routes: Object.values(ANALYTICS_ROUTES),
};
