import type { PrismaClient } from '@shop/contracts/database';
import type { ShopErrorCode } from '@shop/contracts/errors';
import { permanentError } from '@shop/shared/errors';
import { text } from '@shop/shared/http';
import type { Express } from 'express';
import { findStockLevel, listStockLevels, type StockLevel } from '../data/stock-ledger';

const view = ({ sku, onHand, backordered }: StockLevel) => ({ sku, onHand, backordered });
const SKU_NOT_FOUND: ShopErrorCode = 'INVENTORY.SKU_NOT_FOUND';
/** What checkout accepts as a SKU (its order request schema); nothing else can have stock. */
const sku = text().min(1).max(64);

/** GET /inventory and GET /inventory/{sku}: `{ sku, onHand, backordered }`. */
export function inventoryRoutes(prisma: PrismaClient) {
  return (app: Express) => {
    app.get('/inventory', async (_req, res) => {
      res.json((await listStockLevels(prisma)).map(view));
    });
    app.get('/inventory/:sku', async (req, res) => {
      // A SKU that cannot exist is not looked up: Postgres would refuse a NUL in it.
      const valid = sku.safeParse(req.params.sku).success;
      const level = valid ? await findStockLevel(prisma, req.params.sku) : null;
      if (!level) {
        throw permanentError(SKU_NOT_FOUND, 'Unknown SKU', {
          details: {
            detail: valid ? `No stock is kept for ${req.params.sku}` : 'A SKU is 1 to 64 characters of text',
          },
        });
      }
      res.json(view(level));
    });
  };
}
