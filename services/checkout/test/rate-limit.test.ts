import { randomUUID } from 'node:crypto';
import { sleep } from '../../../test/support';
import { anOrderRequest, checkoutRowCounts, checkoutTestContext, postOrder } from './checkout-harness';

/**
 * ORDER_RATE_LIMIT on POST /orders, with the real Postgres (orders and the
 * simulated gateway's ledger, gateway.charges) and RabbitMQ: a refused
 * request is a 429 with Retry-After that changes nothing.
 */

describe('checkout order rate limit', () => {
  const context = checkoutTestContext('rate_limit');

  /** Every row an order could write, the gateway's charges included. */
  const everything = async () => ({
    ...(await checkoutRowCounts(context.database.prisma)),
    charges: await context.database.prisma.simulatedCharge.count(),
  });
  const order = (baseUrl: string, headers: Record<string, string> = {}) =>
    postOrder(baseUrl, anOrderRequest(), { 'Idempotency-Key': randomUUID(), ...headers });

  test('When a client goes over ORDER_RATE_LIMIT, then it gets 429 problem+json with Retry-After in whole seconds, and nothing is charged or written', async () => {
    const checkout = await context.start({ ORDER_RATE_LIMIT: '2/m' });
    expect((await order(checkout.baseUrl)).status).toBe(201);
    expect((await order(checkout.baseUrl)).status).toBe(201);
    const before = await everything();

    const refused = await order(checkout.baseUrl);

    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, code: 'ORDER.RATE_LIMITED' });
    expect(refused.body.detail).toContain('2/m');
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(await everything()).toEqual(before);
  });

  test('When the window has passed, then the client is served again, and Retry-After was rounded up to the second', async () => {
    const checkout = await context.start({ ORDER_RATE_LIMIT: '1/s' });
    expect((await order(checkout.baseUrl)).status).toBe(201);
    const refused = await order(checkout.baseUrl);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');

    await sleep(1_100);

    expect((await order(checkout.baseUrl)).status).toBe(201);
  });

  test('When TRUST_PROXY=1 and two clients come through one proxy, then each has its own limit', async () => {
    const checkout = await context.start({ ORDER_RATE_LIMIT: '1/m', TRUST_PROXY: '1' });
    const client = (address: string) => ({ 'X-Forwarded-For': address });

    expect((await order(checkout.baseUrl, client('203.0.113.1'))).status).toBe(201);
    expect((await order(checkout.baseUrl, client('203.0.113.1'))).status).toBe(429);
    expect((await order(checkout.baseUrl, client('203.0.113.2'))).status).toBe(201);
  });

  test('When TRUST_PROXY is off, then X-Forwarded-For does not let a client dodge its limit', async () => {
    const checkout = await context.start({ ORDER_RATE_LIMIT: '1/m' });

    expect((await order(checkout.baseUrl, { 'X-Forwarded-For': '203.0.113.1' })).status).toBe(201);
    expect((await order(checkout.baseUrl, { 'X-Forwarded-For': '203.0.113.2' })).status).toBe(429);
  });

  test('When ORDER_RATE_LIMIT is unset, then many orders in a row are all taken', async () => {
    const checkout = await context.start();
    const statuses = [];
    for (let index = 0; index < 10; index += 1) statuses.push((await order(checkout.baseUrl)).status);
    expect(statuses).toEqual(Array(10).fill(201));
  });
});
