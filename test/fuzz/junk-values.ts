import { TEST_CARDS } from '@shop/checkout';
import fc from 'fast-check';

/**
 * Values that have broken servers, for the HTTP fuzz test: nasty strings, and
 * JSON of any shape with prototype keys among its object keys.
 */

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const controlCharacter = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((code) => String.fromCharCode(code));

/**
 * Strings that have broken servers: NUL and other control characters, lone
 * surrogates, bidi overrides, prototype keys, injection attempts, numbers
 * in disguise, and some very long ones.
 */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'Ada\u0000Lovelace',
      '\ud800',
      'Ada \udfff',
      '\udc00\ud800',
      '\u001b[31mred',
      'line\r\nbreak',
      '\t',
      '\u202eevil',
      '\u200b',
      '\ufeff',
      '\uffff',
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
      '🦊',
      'Zoë 李 Ångström',
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '../../etc/passwd',
      '%00',
      '%',
      "'; DROP TABLE checkout.orders; --",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, sent as text.
      '${7*7}',
      '<script>alert(1)</script>',
      'null',
      'NaN',
      '-1',
      '1e309',
      '0x10',
      TEST_CARDS.declined,
      '4242424242424242',
      'MUG-CLASSIC',
    ),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, controlCharacter, printableAscii), maxLength: 12 }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('x', '\u0000', '🦊', 'é', '\ud800'),
        fc.constantFrom(65, 201, 256, 1_001, 20_000),
      )
      .map(([unit, times]) => unit.repeat(times)),
  },
);

/** Keys for generated objects: the real field names, prototype keys, and nasty strings. */
export const objectKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'customer',
    'items',
    'payment',
    'cardNumber',
    'sku',
    'quantity',
    'limit',
    'reason',
    'actor',
    'orderId',
    'errorContains',
    'rate',
    'status',
    'totalCents',
  ),
  nastyString,
);

export const jsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 1.5, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, true, false, null),
);

/** Any JSON value, with prototype keys among its object keys. */
export const jsonJunk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(objectKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;
