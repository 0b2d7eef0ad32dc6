import { TEST_CARDS } from '../src/payment/simulated-payment-gateway';
import { anOrderRequest, checkoutRowCounts, postOrder } from './checkout-harness';
import { checkout, database, expectRefusedWithoutWrites, useOrdersApi } from './orders-api-fixture';

/**
 * The Idempotency-Key of POST /orders: a replay, a different body, a declined
 * retry, and the same key in parallel.
 */

describe('checkout orders API', () => {
  useOrdersApi('orders_api_idempotency');

  test('When an Idempotency-Key is reused with the same body, then the original order is returned: one charge, one order, one event', async () => {
    const key = `same-${Date.now()}`;
    const first = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key });
    const before = await checkoutRowCounts(database.prisma);
    // Key order and unknown fields do not make it another request.
    const replay = await postOrder(
      checkout.baseUrl,
      { note: 'ignored', ...anOrderRequest() },
      { 'Idempotency-Key': key },
    );

    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('location')).toBe(`/orders/${first.body.id}`);
    expect(replay.body).toEqual(first.body);
    expect(await checkoutRowCounts(database.prisma)).toEqual(before);
    expect(
      await database.prisma.outboxMessage.count({
        where: { payload: { path: ['data', 'orderId'], equals: first.body.id } },
      }),
    ).toBe(1);
  });

  test('When an Idempotency-Key is reused with a different body, then it answers 409 and writes nothing', async () => {
    const key = `different-${Date.now()}`;
    expect((await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key })).status).toBe(
      201,
    );

    const response = await expectRefusedWithoutWrites(() =>
      postOrder(checkout.baseUrl, anOrderRequest({ items: [{ sku: 'MUG-CLASSIC', quantity: 3 }] }), {
        'Idempotency-Key': key,
      }),
    );
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
  });

  test('When a declined request is retried with its Idempotency-Key, then it answers the same 402 without a second charge attempt', async () => {
    const key = `declined-${Date.now()}`;
    const request = anOrderRequest({ payment: { cardNumber: TEST_CARDS.declined } });
    const first = await postOrder(checkout.baseUrl, request, { 'Idempotency-Key': key });
    const replay = await expectRefusedWithoutWrites(() =>
      postOrder(checkout.baseUrl, request, { 'Idempotency-Key': key }),
    );

    expect(first.status).toBe(402);
    expect(replay.status).toBe(402);
    expect(replay.body.orderId).toBe(first.body.orderId);
  });

  test('When the same Idempotency-Key arrives in parallel, then exactly one order is placed and charged', async () => {
    const key = `parallel-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key }),
      ),
    );

    const orders = await database.prisma.order.findMany({ where: { idempotencyKey: key } });
    expect(orders).toHaveLength(1);
    for (const response of responses) {
      // 201 with the one order, or 409 "in progress" while the first is still charging.
      if (response.status === 201) expect(response.body.id).toBe(orders[0]!.id);
      else expect(response.body.code).toBe('IDEMPOTENCY.REQUEST_IN_PROGRESS');
    }
    expect(responses.filter((response) => response.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(
      await database.prisma.outboxMessage.count({
        where: { payload: { path: ['data', 'orderId'], equals: orders[0]!.id } },
      }),
    ).toBe(1);
  });
});
