import type { PrismaClient } from '@shop/shared/database';
import type { Express } from 'express';
import { summarizeSales } from '../data/order-facts';

/** GET /analytics/summary: `{ orders, revenueCents, itemsSold, topProducts: [{ sku, quantity, revenueCents }] }`. */
export function summaryRoutes(prisma: PrismaClient) {
  return (app: Express) => {
    app.get('/analytics/summary', async (_req, res) => {
      res.json(await summarizeSales(prisma));
    });
  };
}
