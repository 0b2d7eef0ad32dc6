import type { PrismaClient } from '@shop/contracts/database';
import type { ShopErrorCode } from '@shop/contracts/errors';
import { permanentError } from '@shop/shared/errors';
import type { Express } from 'express';
import { z } from 'zod';
import { summarizeSales } from '../data/order-facts';

const INVALID_PERIOD: ShopErrorCode = 'ANALYTICS.INVALID_PERIOD';
const periodSchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/**
 * GET /analytics/summary[?from&to]: `{ orders, revenueCents, itemsSold,
 * topProducts: [{ sku, quantity, revenueCents }] }` for the orders placed in
 * [from, to) (ISO 8601 with an offset; either end may be left open). The
 * email service's sales report reads it.
 */
export function summaryRoutes(prisma: PrismaClient) {
  return (app: Express) => {
    app.get('/analytics/summary', async (req, res) => {
      const period = periodSchema.safeParse({ from: req.query.from, to: req.query.to });
      if (!period.success) {
        const errors = period.error.issues.map((issue) => ({
          field: String(issue.path[0]),
          message: 'expected an ISO 8601 date-time with an offset',
        }));
        throw permanentError(INVALID_PERIOD, 'The period is invalid', { details: { errors } });
      }
      const { from, to } = period.data;
      res.json(
        await summarizeSales(prisma, {
          ...(from ? { from: new Date(from) } : {}),
          ...(to ? { to: new Date(to) } : {}),
        }),
      );
    });
  };
}
