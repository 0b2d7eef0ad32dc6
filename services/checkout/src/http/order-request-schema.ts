import { text } from '@shared/http';
import { z } from 'zod';
import { passesLuhn } from '../domain/luhn';
import { isOrderIdPrefix } from '../domain/order-search';

/**
 * The body of POST /orders. Unknown fields are dropped (zod's default), so
 * nothing the client invents is ever stored; amounts are not accepted at all.
 * Every string is `text()`: no control characters, no lone surrogates, so
 * what passes here can be stored, published and logged. No message quotes
 * the card number.
 */
export const orderRequestSchema = z.object({
  customer: z.object({
    email: text().pipe(z.email('must be a valid email address').max(254, 'must be at most 254 characters')),
    name: text().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  }),
  items: z
    .array(
      z.object({
        sku: text().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
        quantity: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(100, 'must be at most 100'),
      }),
    )
    .min(1, 'must contain at least 1 item')
    .max(50, 'must contain at most 50 items')
    .superRefine((items, context) => {
      // One line per SKU: downstream, a stock movement is unique per order and SKU.
      const seen = new Set<string>();
      items.forEach((item, index) => {
        if (seen.has(item.sku)) {
          context.addIssue({
            code: 'custom',
            path: [index, 'sku'],
            message: `"${item.sku}" appears more than once; use one item with the total quantity`,
          });
        }
        seen.add(item.sku);
      });
    }),
  payment: z.object({
    cardNumber: z
      .string()
      .regex(/^\d{12,19}$/, { message: 'must be 12 to 19 digits', abort: true })
      .refine(passesLuhn, 'is not a valid card number (Luhn check failed)'),
  }),
});

/** GET /orders?limit=N&email=...&id=... */
export const listQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20),
  email: z.email('must be a valid email address').max(254).optional(),
  id: z
    .string()
    .refine(
      isOrderIdPrefix,
      'must be an order id or its first 8 or more characters, e.g. 0123abcd or 0123abcd-45',
    )
    .optional(),
});

/**
 * Idempotency-Key: 1 to 255 printable ASCII characters, as the IETF draft's
 * structured-field string allows. Node reads header bytes as Latin-1, so
 * anything beyond ASCII would be stored as mojibake.
 * https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 */
export const idempotencyKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[ -~]*$/, 'must be printable ASCII');
