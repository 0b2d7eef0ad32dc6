import type { PrismaClient } from '@shop/shared/database';
import { sendProblem } from '@shop/shared/http';
import type { Express } from 'express';
import { findStockLevel, listStockLevels, type StockLevel } from '../data/stock-ledger';

const view = ({ sku, onHand, backordered }: StockLevel) => ({ sku, onHand, backordered });

/** GET /inventory and GET /inventory/{sku}: `{ sku, onHand, backordered }`. */
export function inventoryRoutes(prisma: PrismaClient) {
  return (app: Express) => {
    app.get('/inventory', async (_req, res) => {
      res.json((await listStockLevels(prisma)).map(view));
    });
    app.get('/inventory/:sku', async (req, res) => {
      const level = await findStockLevel(prisma, req.params.sku);
      if (!level) {
        return sendProblem(res, {
          status: 404,
          title: 'Unknown SKU',
          code: 'INVENTORY.SKU_NOT_FOUND',
          detail: `No stock is kept for ${req.params.sku}`,
        });
      }
      res.json(view(level));
    });
  };
}
