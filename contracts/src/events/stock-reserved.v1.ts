import { defineEvent } from '@shared/messaging';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

export const StockReservedV1 = defineEvent({
  type: 'inventory.stock.reserved',
  version: 1,
  summary: "The order's stock moved, one line per SKU",
  description:
    "The inventory service's outcome of its task for an order: each SKU's stock went down by the quantity ordered, never below 0, and `backordered` counts the units the stock could not cover, owed to the customer until a restock. A redelivered order event moves nothing and reports the movements recorded the first time. Checkout shows the order's `inventory` task as completed.",
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
