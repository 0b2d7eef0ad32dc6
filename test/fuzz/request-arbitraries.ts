import { gzipSync } from 'node:zlib';
import { SHOP_CONSUMERS } from '@shop/contracts/registry';
import fc from 'fast-check';
import { jsonJunk, nastyString } from './junk-values';
import { CATALOGUE_SKUS } from './order-arbitraries';
import type { FuzzRequest } from './send-request';

/**
 * The parts of a request for the HTTP fuzz test: headers, bodies with their
 * content types and encodings, path segments, query strings, methods.
 */

/** The services whose dead letters the store holds: every consumer of the registry. */
export const DEAD_LETTER_SERVICES = SHOP_CONSUMERS;

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
