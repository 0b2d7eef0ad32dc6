import { permanentError } from '@shared/core/errors';
import { type ApiDescription, defineRoute, text } from '@shared/http';
import type { ShopErrorCode } from '@shop/contracts/errors';
import { z } from 'zod';

const SKU_NOT_FOUND: ShopErrorCode = 'INVENTORY.SKU_NOT_FOUND';

export const skuNotFound = (detail: string) =>
  permanentError(SKU_NOT_FOUND, 'Unknown SKU', { details: { detail } });

const stockLevel = z.object({
  sku: z.string(),
  onHand: z.number().int().meta({ description: 'Units in stock (never below 0)' }),
  backordered: z.number().int().meta({ description: 'Units ordered beyond the stock, owed to customers' }),
});

/** The inventory service's routes, for Express (inventory-routes.ts) and its OpenAPI document alike. */
export const INVENTORY_ROUTES = {
  list: defineRoute({
    method: 'get',
    path: '/inventory',
    tag: 'inventory',
    summary: "Every SKU's stock level",
    description:
      'Units on hand and units backordered for every SKU this service keeps stock of, by SKU, as the completed orders it has consumed left them. Public; changes nothing.',
    answers: { 200: { description: 'The stock levels, by SKU', body: z.array(stockLevel) } },
  }),
  one: defineRoute({
    method: 'get',
    path: '/inventory/{sku}',
    tag: 'inventory',
    summary: "One SKU's stock level",
    description:
      'Units on hand and units backordered for one SKU; a SKU this service keeps no stock of is not found. Public; changes nothing.',
    // What checkout accepts as a SKU (its order request schema); nothing else can have stock, so
    // anything else is not found, without a query (Postgres would refuse a NUL in it).
    params: z.object({ sku: text().min(1).max(64) }),
    invalid: () => skuNotFound('A SKU is 1 to 64 characters of text'),
    answers: { 200: { description: 'The stock level', body: stockLevel } },
    errors: [SKU_NOT_FOUND],
  }),
};

export const INVENTORY_API: ApiDescription = {
  title: 'inventory',
  version: '1.0.0',
  description: 'Stock levels, moved by every completed order (checkout.order.completed).',
  tags: { inventory: 'Stock levels by SKU' },
  routes: Object.values(INVENTORY_ROUTES),
};
