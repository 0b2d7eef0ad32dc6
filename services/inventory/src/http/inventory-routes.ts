import { addRoute } from '@shared/http';
import type { PrismaClient } from '@shop/contracts/database';
import type { Express } from 'express';
import { findStockLevel, listStockLevels, type StockLevel } from '../data/stock-ledger';
import { INVENTORY_ROUTES, skuNotFound } from './inventory-api';

const view = ({ sku, onHand, backordered }: StockLevel) => ({ sku, onHand, backordered });

/** GET /inventory and GET /inventory/{sku}: `{ sku, onHand, backordered }`. */
export function inventoryRoutes(prisma: PrismaClient) {
  return (app: Express) => {
    addRoute(app, INVENTORY_ROUTES.list, async (_input, _req, res) => {
      res.json((await listStockLevels(prisma)).map(view));
    });
    addRoute(app, INVENTORY_ROUTES.one, async ({ params }, _req, res) => {
      const level = await findStockLevel(prisma, params.sku);
      if (!level) throw skuNotFound(`No stock is kept for ${params.sku}`);
      res.json(view(level));
    });
  };
}
