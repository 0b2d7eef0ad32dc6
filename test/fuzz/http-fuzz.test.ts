import { SHOP_REGISTRY } from '@shop/contracts/registry';
import fc from 'fast-check';
import {
  ADMIN_TOKEN,
  EXISTING_RECEIPT,
  type FuzzServices,
  type RowCounts,
  type ServiceName,
  startFuzzServices,
} from './fuzz-services';
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
import { closeConnections, type FuzzRequest, type FuzzResponse, sendRequest } from './send-request';

/**
 * Property-based fuzzing of every HTTP endpoint of the six services, with
 * fast-check: 10,000 generated requests (bodies, headers, query strings and
 * paths; valid, nearly valid and hostile). For every one of them:
 *
 * - no answer is a 5xx, and every answer the app gives is problem+json when
 *   it refuses, with the security headers and a sane correlation id;
 * - a refused request writes no row to checkout's or the operations service's
 *   tables and charges no card:
 *   only a 201 or a 402 charges, once, for the order it names, and writes that
 *   order (a 402 writes the declined order and its lines, nothing else); a
 *   replayed Idempotency-Key writes and charges nothing;
 * - nothing pollutes Object.prototype.
 *
 * Requests go one at a time, so each answer is compared with the row counts
 * and the gateway's charges just before and after it. On a failure fast-check
 * prints the seed, the path and the shrunk request; replay it with
 * FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jest test/fuzz -t '<the test's name>'.
 */

/** Requests per property: 10,000 in all. FUZZ_SCALE=10 runs ten times as many, for a longer search. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS = {
  orders: 3_200 * SCALE,
  checkoutReads: 1_600 * SCALE,
  admin: 1_500 * SCALE,
  inventory: 1_500 * SCALE,
  pdf: 1_200 * SCALE,
  analytics: 600 * SCALE,
  email: 400 * SCALE,
};
const TOTAL_RUNS = Object.values(RUNS).reduce((sum, runs) => sum + runs, 0);
const TASKS_PER_ORDER = SHOP_REGISTRY.tasks.length;
const EXISTING_ORDER = '{existing-order}';

/** Each property's seed, printed at the end; FUZZ_SEED (and FUZZ_PATH, from a failure's report) replay one. */
const seeds: Record<string, number> = {};
function settings(property: string, numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  seeds[property] = seed;
  return { numRuns, seed, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) };
}

jest.setTimeout(300_000);

describe('HTTP fuzz of every service', () => {
  let services: FuzzServices;
  let counts: RowCounts;
  /** Answers by service and status, to show that the generators reach the happy path too. */
  const tally = new Map<string, number>();
  const placedOrders: string[] = [];
  const answeredOrders = new Set<string>();
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  let sent = 0;

  beforeAll(async () => {
    services = await startFuzzServices();
    counts = await services.rowCounts();
  }, 120_000);

  afterAll(async () => {
    closeConnections();
    await services?.stop();
  });

  const statusesOf = (service: ServiceName) =>
    Object.fromEntries(
      [...tally].filter(([key]) => key.startsWith(`${service} `)).map(([key, n]) => [key.split(' ')[1], n]),
    );

  /** Sends one request and checks what every answer must be. */
  async function send(service: ServiceName, request: FuzzRequest): Promise<FuzzResponse> {
    const response = await sendRequest(services.urls[service], request);
    sent += 1;
    tally.set(`${service} ${response.status}`, (tally.get(`${service} ${response.status}`) ?? 0) + 1);

    expect(response.status).toBeLessThan(500);
    // Node itself refuses a request line or headers it cannot parse (400, 431) before the app runs.
    const answeredByTheApp = response.headers['x-correlation-id'] !== undefined;
    if (answeredByTheApp) {
      expect(response.headers['x-correlation-id']).toMatch(/^[!-~]{1,200}$/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      if (response.status >= 400 && request.method !== 'HEAD') {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(response.body)).toMatchObject({
          status: response.status,
          title: expect.any(String),
        });
      }
    }
    return response;
  }

  /**
   * Sends a request to checkout (or the operations service) and checks its
   * effect: what it charged and which rows it wrote, against what its answer
   * says happened.
   */
  async function sendToCheckout(
    request: FuzzRequest,
    service: 'checkout' | 'operations' = 'checkout',
  ): Promise<FuzzResponse> {
    const chargesBefore = services.gateway.chargedOrderIds.length;
    const countsBefore = counts;
    let response: FuzzResponse;
    try {
      response = await send(service, request);
    } finally {
      // Counted even when the answer failed its checks, so the requests
      // fast-check tries while shrinking start from the true counts.
      counts = await services.rowCounts();
    }
    const charged = services.gateway.chargedOrderIds.slice(chargesBefore);
    const written = {
      orders: counts.orders - countsBefore.orders,
      lines: counts.lines - countsBefore.lines,
      outbox: counts.outbox - countsBefore.outbox,
      tasks: counts.tasks - countsBefore.tasks,
      audit: counts.audit - countsBefore.audit,
    };
    const nothing = { orders: 0, lines: 0, outbox: 0, tasks: 0, audit: 0 };

    if (response.status === 201 && request.method === 'POST') {
      const order = JSON.parse(response.body) as { id: string; items: unknown[] };
      if (charged.length === 0) {
        // A replayed Idempotency-Key: the earlier order, nothing new.
        expect(answeredOrders.has(order.id)).toBe(true);
        expect(written).toEqual(nothing);
      } else {
        expect(charged).toEqual([order.id]);
        expect(written).toEqual({
          ...nothing,
          orders: 1,
          lines: order.items.length,
          outbox: 1,
          tasks: TASKS_PER_ORDER,
        });
        placedOrders.push(order.id);
      }
      answeredOrders.add(order.id);
    } else if (response.status === 402) {
      const { orderId } = JSON.parse(response.body) as { orderId: string };
      if (charged.length === 0) {
        expect(answeredOrders.has(orderId)).toBe(true);
        expect(written).toEqual(nothing);
      } else {
        // The declined order is recorded with its lines; no event, no tasks.
        expect(charged).toEqual([orderId]);
        expect(written).toEqual({ ...nothing, orders: 1, lines: written.lines });
        expect(written.lines).toBeGreaterThanOrEqual(1);
      }
      answeredOrders.add(orderId);
    } else {
      expect(charged).toEqual([]);
      expect(written).toEqual(nothing);
    }
    return response;
  }

  const resolve = (request: FuzzRequest, index: number): FuzzRequest => {
    if (!request.path.includes(EXISTING_ORDER)) return request;
    const id =
      placedOrders[index % Math.max(placedOrders.length, 1)] ?? '00000000-0000-4000-8000-000000000000';
    return { ...request, path: request.path.replace(EXISTING_ORDER, id) };
  };

  const commonPaths = fc.oneof(
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

  test(`When ${RUNS.orders} orders are posted, valid, nearly valid and hostile, then none answers 5xx and only a 201 or 402 charges or writes`, async () => {
    const idempotencyKey = fc.oneof(
      { weight: 16, arbitrary: fc.constant<string | undefined>(undefined) },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') },
      { weight: 1, arbitrary: nastyString.filter((key) => /^[\t\x20-\x7e\xa0-\xff]*$/.test(key)) },
    );
    const orderRequest = fc
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

    await fc.assert(
      fc.asyncProperty(orderRequest, async ({ request, repeat }) => {
        await sendToCheckout(request);
        // The same request again: an Idempotency-Key replay, or a second order.
        if (repeat) await sendToCheckout(request);
      }),
      settings('orders', RUNS.orders),
    );

    const statuses = statusesOf('checkout');
    expect(statuses).toMatchObject({
      201: expect.any(Number),
      400: expect.any(Number),
      402: expect.any(Number),
      409: expect.any(Number),
      413: expect.any(Number),
      415: expect.any(Number),
      422: expect.any(Number),
    });
    expect(statuses[201]).toBeGreaterThan(RUNS.orders / 10);
  });

  test(`When ${RUNS.checkoutReads} requests go to checkout's other routes, then none answers 5xx and none writes`, async () => {
    const path = fc.oneof(
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
    const request = fc.tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: method }),
      anyRequestTo(path),
      fc.nat(),
    );

    await fc.assert(
      fc.asyncProperty(request, async ([verb, generated, index]) => {
        const response = await sendToCheckout(resolve({ ...generated, method: verb }, index));
        // Listing orders is the operators' route: without the admin token, no answer lists any.
        if (/^\/orders(\?|$)/.test(generated.path) && ['GET', 'HEAD'].includes(verb)) {
          expect(response.status).not.toBe(200);
        }
      }),
      settings('checkoutReads', RUNS.checkoutReads),
    );

    expect(tally.get('checkout 200')).toBeGreaterThan(RUNS.checkoutReads / 10);
  });

  test(`When ${RUNS.admin} requests go to the admin API and the order list, with and without the token, then none answers 5xx and none writes`, async () => {
    const service = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...DEAD_LETTER_SERVICES) },
      { weight: 1, arbitrary: pathSegment },
    );
    const path = fc.oneof(
      { weight: 2, arbitrary: fc.constant('/admin/dlq') },
      {
        weight: 3,
        arbitrary: fc
          .tuple(
            service,
            queryString(['limit', 'after', 'state', 'order', 'type', 'code', 'error', 'since', 'until']),
          )
          .map(([name, query]) => `/admin/dlq/${name}${query}`),
      },
      {
        weight: 4,
        arbitrary: fc
          .tuple(service, fc.oneof(fc.constantFrom('replay', 'discard', 'preview'), pathSegment))
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
    const request = fc
      .record({
        verb: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('GET', 'POST') },
          { weight: 1, arbitrary: method },
        ),
        path,
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

    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        // The order list is checkout's; the rest is the operations service's.
        await sendToCheckout(generated, generated.path.startsWith('/orders') ? 'checkout' : 'operations');
      }),
      settings('admin', RUNS.admin),
    );

    expect(tally.get('operations 401')).toBeGreaterThan(0);
    expect(tally.get('operations 200')).toBeGreaterThan(0);
  });

  test.each([
    [
      'inventory',
      RUNS.inventory,
      fc.oneof(
        { weight: 2, arbitrary: queryString(['sku', 'limit']).map((query) => `/inventory${query}`) },
        { weight: 3, arbitrary: fc.constantFrom(...CATALOGUE_SKUS).map((sku) => `/inventory/${sku}`) },
        { weight: 4, arbitrary: pathSegment.map((segment) => `/inventory/${segment}`) },
        { weight: 1, arbitrary: fc.constantFrom('/inventory/', '/inventory/MUG-CLASSIC/x', '/INVENTORY') },
        { weight: 2, arbitrary: commonPaths },
      ),
    ],
    [
      'pdf',
      RUNS.pdf,
      fc.oneof(
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
      ),
    ],
    [
      'analytics',
      RUNS.analytics,
      fc.oneof(
        {
          weight: 4,
          arbitrary: queryString(['from', 'to', 'limit']).map((query) => `/analytics/summary${query}`),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom('/analytics', '/analytics/summary/x', '/analytics/%2e%2e/summary'),
        },
        { weight: 2, arbitrary: commonPaths },
      ),
    ],
    ['email', RUNS.email, commonPaths],
  ] as const)('When %s gets %i generated requests, then none answers 5xx', async (service, runs, path) => {
    const request = fc.tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: method }),
      anyRequestTo(path),
    );

    await fc.assert(
      fc.asyncProperty(request, async ([verb, generated]) => {
        await send(service, { ...generated, method: verb });
      }),
      settings(service, runs),
    );

    expect(statusesOf(service)).toMatchObject({ 200: expect.any(Number), 404: expect.any(Number) });
  });

  test(`When all ${TOTAL_RUNS} generated requests have been answered, then nothing polluted Object.prototype and no refused request was charged`, () => {
    expect(sent).toBeGreaterThanOrEqual(TOTAL_RUNS);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    const inherited: string[] = [];
    for (const key in {}) inherited.push(key);
    expect(inherited).toEqual([]);
    const charged = new Set(services.gateway.chargedOrderIds);
    expect(charged.size).toBe(services.gateway.chargedOrderIds.length);
    for (const orderId of charged) expect(answeredOrders.has(orderId)).toBe(true);
    console.log(
      `HTTP fuzz: ${sent} requests, ${charged.size} charges; seeds ${JSON.stringify(seeds)}; answers by service and status:`,
      Object.fromEntries([...tally].sort()),
    );
  });
});
