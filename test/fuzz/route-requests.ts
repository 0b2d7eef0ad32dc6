import fc from 'fast-check';
import { ADMIN_TOKEN, EXISTING_RECEIPT } from './fuzz-services';
import { jsonJunk, nastyString } from './junk-values';
import { CATALOGUE_SKUS, orderRequestBody } from './order-arbitraries';
import {
  anyRequestTo,
  DEAD_LETTER_SERVICES,
  extraHeaders,
  method,
  pathSegment,
  queryString,
  withBody,
} from './request-arbitraries';
import type { FuzzRequest } from './send-request';

/**
 * The requests the HTTP fuzz test sends to each service's routes: valid,
 * nearly valid and hostile.
 */

/** Stands in a path for an order placed earlier in the run. */
export const EXISTING_ORDER = '{existing-order}';

/** Paths every service answers, or should refuse cleanly. */
export const commonPaths = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('/healthz', '/readyz', '/', '/favicon.ico', '/%', '/..%2F..%2Fetc%2Fpasswd'),
  },
  { weight: 1, arbitrary: fc.constant('/metrics') },
  {
    weight: 3,
    arbitrary: fc.array(pathSegment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`),
  },
);

/** POST /orders, one in eight sent twice. */
const idempotencyKey = fc.oneof(
  { weight: 16, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') },
  { weight: 1, arbitrary: nastyString.filter((key) => /^[\t\x20-\x7e\xa0-\xff]*$/.test(key)) },
);
export const orderRequest = fc
  .record({
    verb: fc.oneof({ weight: 30, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: method }),
    query: fc.oneof(
      { weight: 6, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: queryString(['mode', 'limit']) },
    ),
    body: withBody(orderRequestBody),
    key: idempotencyKey,
    headers: extraHeaders,
    // One in eight is sent twice: a replay of its Idempotency-Key, or a second order.
    repeat: fc.nat(7).map((n) => n === 0),
  })
  .map(({ verb, query, body, key, headers, repeat }) => ({
    repeat,
    request: {
      method: verb,
      path: `/orders${query}`,
      headers: { ...headers, ...body.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body: body.body,
    } satisfies FuzzRequest,
  }));

/** Checkout's other routes, mostly GET. */
const checkoutReadPath = fc.oneof(
  { weight: 3, arbitrary: queryString(['limit']).map((query) => `/orders${query}`) },
  { weight: 3, arbitrary: fc.constant(`/orders/${EXISTING_ORDER}`) },
  { weight: 3, arbitrary: pathSegment.map((segment) => `/orders/${segment}`) },
  { weight: 2, arbitrary: queryString(['limit', 'sku']).map((query) => `/products${query}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/orders/', '//orders', '/ORDERS', '/products/MUG-CLASSIC', '/orders/x/y'),
  },
  { weight: 2, arbitrary: commonPaths },
);
export const checkoutReadRequest = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: method }),
  anyRequestTo(checkoutReadPath),
  fc.nat(),
);

/** The admin API and the order list, with and without the token. */
const deadLetterService = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DEAD_LETTER_SERVICES) },
  { weight: 1, arbitrary: pathSegment },
);
const adminPath = fc.oneof(
  { weight: 2, arbitrary: fc.constant('/admin/dlq') },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        deadLetterService,
        queryString(['limit', 'after', 'state', 'order', 'type', 'code', 'error', 'since', 'until']),
      )
      .map(([name, query]) => `/admin/dlq/${name}${query}`),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(deadLetterService, fc.oneof(fc.constantFrom('replay', 'discard', 'preview'), pathSegment))
      .map(([name, action]) => `/admin/dlq/${name}/${action}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/admin', '/admin/', '/admin/dlq/', '/admin/dlq/email/replay/x'),
  },
  { weight: 2, arbitrary: queryString(['limit', 'email', 'id']).map((query) => `/orders${query}`) },
);
const filterText = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), nastyString);
const adminBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        action: fc.oneof(fc.constantFrom('replay', 'discard'), filterText),
        ids: fc.oneof(
          fc.array(fc.uuid(), { maxLength: 3 }),
          fc.array(filterText, { maxLength: 3 }),
          jsonJunk,
        ),
        filter: fc.oneof(
          fc.record(
            {
              order: fc.oneof(fc.uuid(), filterText),
              error: filterText,
              code: filterText,
              type: filterText,
              since: fc.oneof(
                fc.date({ noInvalidDate: true }).map((at) => at.toISOString()),
                filterText,
              ),
            },
            { requiredKeys: [] },
          ),
          jsonJunk,
        ),
        limit: fc.oneof(fc.integer({ min: -1, max: 20_000 }), jsonJunk),
        actor: filterText,
        reason: filterText,
        rate: fc.oneof(fc.double({ min: 0.5, max: 2_000, noNaN: true }), jsonJunk),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: jsonJunk },
);
const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | undefined>(`Bearer ${ADMIN_TOKEN}`) },
  { weight: 2, arbitrary: fc.constant<string | undefined>(undefined) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'Bearer wrong',
      `bearer ${ADMIN_TOKEN}`,
      `Bearer ${ADMIN_TOKEN}x`,
      `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
      `Bearer   ${ADMIN_TOKEN}  `,
      'Basic YWRtaW46YWRtaW4=',
      'Bearer ',
      `Bearer ${'x'.repeat(5_000)}`,
    ),
  },
);
export const adminRequest = fc
  .record({
    verb: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('GET', 'POST') },
      { weight: 1, arbitrary: method },
    ),
    path: adminPath,
    headers: extraHeaders,
    body: fc.option(withBody(adminBody.map((body) => JSON.stringify(body) ?? '')), { freq: 5 }),
    authorization,
  })
  .map(
    ({ verb, path: target, headers, body, authorization: auth }): FuzzRequest => ({
      method: verb,
      path: target,
      headers: {
        ...headers,
        ...(body?.headers ?? {}),
        ...(auth === undefined ? {} : { authorization: auth }),
      },
      ...(body ? { body: body.body } : {}),
    }),
  );

/** The inventory service's routes. */
export const inventoryPaths = fc.oneof(
  { weight: 2, arbitrary: queryString(['sku', 'limit']).map((query) => `/inventory${query}`) },
  { weight: 3, arbitrary: fc.constantFrom(...CATALOGUE_SKUS).map((sku) => `/inventory/${sku}`) },
  { weight: 4, arbitrary: pathSegment.map((segment) => `/inventory/${segment}`) },
  { weight: 1, arbitrary: fc.constantFrom('/inventory/', '/inventory/MUG-CLASSIC/x', '/INVENTORY') },
  { weight: 2, arbitrary: commonPaths },
);

/** The PDF service's receipts. */
export const receiptPaths = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      `/receipts/${EXISTING_RECEIPT}.pdf`,
      `/receipts/${EXISTING_RECEIPT.toUpperCase()}.PDF`,
    ),
  },
  { weight: 2, arbitrary: fc.uuid().map((id) => `/receipts/${id}.pdf`) },
  { weight: 4, arbitrary: pathSegment.map((segment) => `/receipts/${segment}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/receipts',
      '/receipts/',
      `/receipts/${EXISTING_RECEIPT}`,
      '/receipts/..%2F..%2Fpackage.json',
    ),
  },
  { weight: 2, arbitrary: commonPaths },
);

/** The analytics service's summary. */
export const analyticsPaths = fc.oneof(
  {
    weight: 4,
    arbitrary: queryString(['from', 'to', 'limit']).map((query) => `/analytics/summary${query}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/analytics', '/analytics/summary/x', '/analytics/%2e%2e/summary'),
  },
  { weight: 2, arbitrary: commonPaths },
);
