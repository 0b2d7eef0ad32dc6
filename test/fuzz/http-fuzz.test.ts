import fc from 'fast-check';
import {
  answeredOrders,
  prototypeKeys,
  resolve,
  send,
  sendToCheckout,
  sent,
  services,
  statusesOf,
  tally,
  useFuzzServices,
} from './fuzz-checks';
import { RUNS, seeds, settings, TOTAL_RUNS } from './fuzz-runs';
import { anyRequestTo, method } from './request-arbitraries';
import {
  adminRequest,
  analyticsPaths,
  checkoutReadRequest,
  commonPaths,
  inventoryPaths,
  orderRequest,
  receiptPaths,
} from './route-requests';

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

jest.setTimeout(300_000);

describe('HTTP fuzz of every service', () => {
  useFuzzServices();

  test(`When ${RUNS.orders} orders are posted, valid, nearly valid and hostile, then none answers 5xx and only a 201 or 402 charges or writes`, async () => {
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
    await fc.assert(
      fc.asyncProperty(checkoutReadRequest, async ([verb, generated, index]) => {
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
    await fc.assert(
      fc.asyncProperty(adminRequest, async (generated) => {
        // The order list is checkout's; the rest is the operations service's.
        await sendToCheckout(generated, generated.path.startsWith('/orders') ? 'checkout' : 'operations');
      }),
      settings('admin', RUNS.admin),
    );

    expect(tally.get('operations 401')).toBeGreaterThan(0);
    expect(tally.get('operations 200')).toBeGreaterThan(0);
  });

  test.each([
    ['inventory', RUNS.inventory, inventoryPaths],
    ['pdf', RUNS.pdf, receiptPaths],
    ['analytics', RUNS.analytics, analyticsPaths],
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
