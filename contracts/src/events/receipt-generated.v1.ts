import { defineEvent } from '@shop/shared/events';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

/**
 * `pdf.receipt.generated` v1: the order's PDF receipt is written and served
 * at `url`. The URL ends up as a link in browsers (the dashboard, a shop's
 * order page), so only http(s) passes: never `javascript:` or `data:`.
 */
export const ReceiptGeneratedV1 = defineEvent({
  type: 'pdf.receipt.generated',
  version: 1,
  data: z.object({
    ...outcomeFields,
    url: z.url({ protocol: /^https?$/ }),
    bytes: z.number().int().positive(),
  }),
});
