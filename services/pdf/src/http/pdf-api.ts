import { permanentError } from '@shared/core/errors';
import { type ApiDescription, defineRoute } from '@shared/http';
import type { ShopErrorCode } from '@shop/contracts/errors';
import { z } from 'zod';

const RECEIPT_NOT_FOUND: ShopErrorCode = 'RECEIPT.NOT_FOUND';

export const receiptNotFound = (detail: string) =>
  permanentError(RECEIPT_NOT_FOUND, 'Receipt not found', { details: { detail } });

/** The pdf service's routes, for Express (receipt-routes.ts) and its OpenAPI document alike. */
export const PDF_ROUTES = {
  receipt: defineRoute({
    method: 'get',
    path: '/receipts/{file}',
    tag: 'receipts',
    summary: "An order's PDF receipt",
    description:
      "The receipt this service rendered when it consumed the order's checkout.order.completed; not found until then. Public to whoever has the link, which the confirmation email and the order at checkout's GET /orders/{id} carry: it is as unguessable as the order's id. Changes nothing.",
    // Only "<uuid>.pdf" can name a receipt; anything else (../, other names) is not found.
    params: z.object({
      file: z
        .string()
        .toLowerCase()
        .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.pdf$/i)
        .meta({ description: '`<orderId>.pdf`', examples: ['0b6f1c2e-5d4a-4c3b-9e8f-7a6b5c4d3e2f.pdf'] }),
    }),
    invalid: () => receiptNotFound('Receipts are named <orderId>.pdf'),
    answers: { 200: { description: 'The receipt', contentType: 'application/pdf' } },
    errors: [RECEIPT_NOT_FOUND],
  }),
};

export const PDF_API: ApiDescription = {
  title: 'pdf',
  version: '1.0.0',
  description: 'PDF receipts, rendered for every completed order (checkout.order.completed).',
  tags: { receipts: 'The PDF receipts of completed orders' },
  routes: Object.values(PDF_ROUTES),
};
