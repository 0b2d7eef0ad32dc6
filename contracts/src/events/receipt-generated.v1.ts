import { defineEvent } from '@shared/messaging';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

export const ReceiptGeneratedV1 = defineEvent({
  type: 'pdf.receipt.generated',
  version: 1,
  summary: "The order's PDF receipt is written and served at `url`",
  description:
    "The pdf service's outcome of its task for an order: the receipt is rendered, written, and served at `url` (the pdf service's GET /receipts/{orderId}.pdf), `bytes` long. Checkout shows the order's `receipt` task as completed, with the link.",
  data: z.object({
    ...outcomeFields,
    // The URL ends up as a link in browsers (the dashboard, a shop's order page), so only
    // http(s) passes: never `javascript:` or `data:`.
    url: z.url({ protocol: /^https?$/ }),
    bytes: z.number().int().positive(),
  }),
});
