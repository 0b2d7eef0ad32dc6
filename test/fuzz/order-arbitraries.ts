import { passesLuhn, TEST_CARDS } from '@shop/checkout';
import fc from 'fast-check';
import { jsonJunk, jsonLeaf, nastyString, objectKey } from './junk-values';

/**
 * Orders for the HTTP fuzz test: mostly valid, or valid but for a field or
 * two, and the bodies POST /orders gets.
 */

/** The seeded catalogue (scripts/seed.ts). */
export const CATALOGUE_SKUS = [
  'MUG-CLASSIC',
  'TEE-LOGO-M',
  'HOODIE-GREY-L',
  'STICKER-PACK',
  'NOTEBOOK-A5',
  'POSTER-QUEUE',
] as const;

/** A card number of 12 to 19 digits that passes the Luhn check and is no test card: the gateway approves it. */
const approvedCard = fc
  .tuple(
    fc.integer({ min: 12, max: 19 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
  )
  .map(([length, digits]) => {
    const body = `5${digits.slice(0, length - 2).join('')}`;
    return body + [...'0123456789'].find((check) => passesLuhn(body + check));
  });
const luhnFailingCard = approvedCard.map((card) => card.slice(0, -1) + ((Number(card.at(-1)) + 1) % 10));

const cardNumber = fc.oneof(
  { weight: 10, arbitrary: approvedCard },
  { weight: 3, arbitrary: fc.constantFrom(TEST_CARDS.declined, TEST_CARDS.insufficientFunds) },
  { weight: 1, arbitrary: luhnFailingCard },
  { weight: 1, arbitrary: jsonJunk },
);
const email = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.constantFrom('ada@example.com', 'grace.hopper@example.org', 'zoe+shop@example.net'),
  },
  { weight: 1, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: jsonJunk },
);
const customerName = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom('Ada Lovelace', 'Zoë 李 🦊', 'O’Brien-Smith') },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }) },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: jsonJunk },
);
const sku = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...CATALOGUE_SKUS) },
  { weight: 1, arbitrary: nastyString },
);
const quantity = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: jsonLeaf },
);
const items = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.uniqueArray(fc.record({ sku, quantity }), {
      minLength: 1,
      maxLength: 4,
      selector: (item) => item.sku,
    }),
  },
  { weight: 1, arbitrary: fc.array(fc.record({ sku, quantity }), { maxLength: 60 }) },
  { weight: 1, arbitrary: jsonJunk },
);

/** An order as a client sends it: mostly valid, or valid but for a field or two, sometimes with extra keys. */
export const orderBody: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record({
      customer: fc.record({ email, name: customerName }),
      items,
      payment: fc.record({ cardNumber }),
    }),
    fc.option(fc.dictionary(objectKey, jsonJunk, { maxKeys: 3 }), { freq: 4 }),
  )
  .map(([order, extra]) => (extra ? { ...extra, ...order } : order));

/** A JSON body for POST /orders: an order, or anything else, as text or bytes. */
export const orderRequestBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 24, arbitrary: orderBody.map((order) => JSON.stringify(order)) },
  { weight: 2, arbitrary: jsonJunk.map((value) => JSON.stringify(value) ?? '') },
  { weight: 1, arbitrary: orderBody.map((order) => JSON.stringify(order).slice(0, -1)) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 50, max: 20_000 })
      .map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 50, max: 5_000 })
      .map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{}', '"order"', '{"customer":', '\u0000') },
);
