import { addRoute } from '@shared/http';
import type { PrismaClient } from '@shop/contracts/database';
import type { Express } from 'express';
import { summarizeSales } from '../data/order-facts';
import { ANALYTICS_ROUTES } from './analytics-api';

/**
 * GET /analytics/summary[?from&to]: `{ orders, revenueCents, itemsSold,
 * topProducts: [{ sku, quantity, revenueCents }] }` for the orders placed in
 * [from, to) (ISO 8601 with an offset; either end may be left open). The
 * email service's sales report reads it.
 */
export function summaryRoutes(prisma: PrismaClient) {
  return (app: Express) => {
    addRoute(app, ANALYTICS_ROUTES.summary, async ({ query: { from, to } }, _req, res) => {
      res.json(
        await summarizeSales(prisma, {
          ...(from ? { from: new Date(from) } : {}),
          ...(to ? { to: new Date(to) } : {}),
        }),
      );
    });
  };
}
