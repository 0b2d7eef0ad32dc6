import { gzipSync } from 'node:zlib';
import { passesLuhn, TEST_CARDS } from '@shop/checkout';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import fc from 'fast-check';
import type { FuzzRequest } from './send-request';

/**
 * Generators for the HTTP fuzz test: requests that are valid, nearly valid
 * or hostile, to every route of the six services.
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
/** The services whose dead letters the store holds: every consumer of the registry. */
export const DEAD_LETTER_SERVICES = Object.keys(SHOP_REGISTRY.spec.consumers);

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
const objectKey = fc.oneof(
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

const jsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
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

/** Bytes node:http lets through in a header value: visible ASCII, space, tab and Latin-1. */
const headerCharacter = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(0x09))
  .map((code) => String.fromCharCode(code));
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: headerCharacter, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom(150, 201, 256, 1_000, 8_000).map((length) => 'k'.repeat(length)) },
  { weight: 1, arbitrary: fc.string({ unit: headerCharacter, minLength: 200, maxLength: 400 }) },
);
/** The headers the services read, and a few they should not trip on. */
const headerName = fc.constantFrom(
  'x-correlation-id',
  'idempotency-key',
  'authorization',
  'traceparent',
  'tracestate',
  'accept',
  'accept-encoding',
  'accept-language',
  'cookie',
  'x-forwarded-for',
  'if-none-match',
  'if-modified-since',
  'range',
  'origin',
  'content-language',
);
export const extraHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 4 });

const contentType = fc.oneof(
  { weight: 24, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16le',
      'application/json; charset=latin1',
      'application/json; charset=nope',
      'application/merge-patch+json',
      'application/problem+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '*/*',
      'json',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: headerCharacter, maxLength: 30 }) },
);

/** A request body with its content type and, sometimes, a content encoding (real gzip, or a false claim). */
export function withBody(body: fc.Arbitrary<string | Uint8Array>) {
  return fc
    .tuple(
      body,
      fc.option(contentType, { freq: 24 }),
      fc.oneof(
        { weight: 16, arbitrary: fc.constant<string | undefined>(undefined) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'gzip, gzip'),
        },
      ),
      fc.boolean(),
    )
    .map(([payload, type, encoding, reallyGzip]) => {
      const headers: Record<string, string> = {};
      if (type !== null) headers['content-type'] = type;
      if (encoding) headers['content-encoding'] = encoding;
      const compressed = encoding === 'gzip' && reallyGzip;
      return { headers, body: compressed ? gzipSync(payload) : payload };
    });
}

/** Bytes of a string as UTF-8, percent-encoded except unreserved characters (RFC 3986). */
export function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** A path segment: a nasty string percent-encoded, a malformed percent-encoding, or something that looks right. */
export const pathSegment = fc.oneof(
  { weight: 4, arbitrary: nastyString.map(percentEncode) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%',
      '%G0',
      '%E0%A4%A',
      '%ED%A0%80',
      '%C0%AF',
      '%FF',
      '%00',
      '..',
      '%2e%2e',
      '%2F',
      '.',
      '~',
      'a%20b',
      '%F0%9F%A6%8A',
    ),
  },
  { weight: 2, arbitrary: fc.uuid().map((uuid) => (uuid.length % 2 ? uuid : uuid.toUpperCase())) },
  { weight: 1, arbitrary: fc.constantFrom(...CATALOGUE_SKUS, ...DEAD_LETTER_SERVICES) },
  { weight: 1, arbitrary: fc.constantFrom(65, 200, 2_000, 15_000).map((length) => 'x'.repeat(length)) },
);

/** A query string (with its "?") from the given names, or empty. */
export function queryString(names: string[], values: fc.Arbitrary<string> = queryValue) {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    {
      weight: 3,
      arbitrary: fc
        .array(fc.tuple(fc.oneof(fc.constantFrom(...names), nastyString.map(percentEncode)), values), {
          minLength: 1,
          maxLength: 4,
        })
        .map((pairs) => `?${pairs.map(([name, value]) => `${name}=${value}`).join('&')}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?%', '?limit', '?limit[]=1', '?limit[a]=1', '?=x') },
  );
}
const queryValue = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 120 }).map(String) },
  { weight: 3, arbitrary: nastyString.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom('', '%', '1e2', '0x10', '1.5', 'Infinity', '%00', 'classic') },
);

export const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE');

/** A request with a generated method, the given path, extra headers and, for some, a body. */
export function anyRequestTo(path: fc.Arbitrary<string>): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      method,
      path,
      extraHeaders,
      fc.option(withBody(jsonJunk.map((value) => JSON.stringify(value) ?? '')), { freq: 4 }),
    )
    .map(([verb, target, headers, body]) => ({
      method: verb,
      path: target,
      headers: { ...headers, ...(body?.headers ?? {}) },
      ...(body ? { body: body.body } : {}),
    }));
}
