import { defineEvent } from '@shop/shared/events';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

/** `inventory.stock.reserved` v1: the order's stock moved, one line per SKU. */
export const StockReservedV1 = defineEvent({
  type: 'inventory.stock.reserved',
  version: 1,
  data: z.object({
    ...outcomeFields,
    lines: z.array(
      z.object({
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
        /** Units that could not be served from stock and wait for a restock. */
        backordered: z.number().int().nonnegative(),
      }),
    ),
  }),
});
