import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { QueueInspector, uniquePrefix, waitFor } from '../../../test/support';
import { SimulatedPaymentGateway, TEST_CARDS } from '../src/payment/simulated-payment-gateway';
import {
  anOrderRequest,
  checkoutRowCounts,
  createTestDatabase,
  getJson,
  orderEventsQueue,
  postOrder,
  startTestCheckout,
  type TestCheckout,
  takeEventsFor,
  topologyFor,
} from './checkout-harness';

/**
 * The HTTP contract of checkout, against the real Postgres and RabbitMQ:
 * every status POST /orders can answer, and the database afterwards.
 */

describe('checkout orders API', () => {
  const ADMIN_TOKEN = 'orders-admin-token-0123456789';
  const asOperator = { authorization: `Bearer ${ADMIN_TOKEN}` };
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let checkout: TestCheckout;
  let inspector: QueueInspector;
  let prefix: string;
  const gateway = new SimulatedPaymentGateway();

  beforeAll(async () => {
    database = await createTestDatabase('orders_api');
    prefix = uniquePrefix('checkout-api');
    checkout = await startTestCheckout(
      { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, ADMIN_TOKEN },
      gateway,
    );
    inspector = await QueueInspector.open();
  });

  afterAll(async () => {
    await checkout.stop();
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database.drop();
  });

  /** Sends a request that must be refused, and checks that it wrote nothing. */
  async function expectRefusedWithoutWrites(
    send: () => Promise<{ status: number; headers: Headers; body: any }>,
  ) {
    const before = await checkoutRowCounts(database.prisma);
    const response = await send();
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await checkoutRowCounts(database.prisma)).toEqual(before);
    return response;
  }

  test('When a valid order is posted, then it answers 201 with the confirmed order and publishes its event once', async () => {
    const response = await postOrder(checkout.baseUrl, anOrderRequest(), { 'x-correlation-id': 'corr-201' });

    expect(response.status).toBe(201);
    const order = response.body;
    expect(response.headers.get('location')).toBe(`/orders/${order.id}`);
    expect(order).toMatchObject({
      status: 'confirmed',
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      items: [
        { sku: 'MUG-CLASSIC', name: 'Classic mug', quantity: 2, unitPriceCents: 1200, lineTotalCents: 2400 },
        { sku: 'STICKER-PACK', name: 'Sticker pack', quantity: 1, unitPriceCents: 400, lineTotalCents: 400 },
      ],
      totalCents: 2800,
      currency: 'EUR',
      paymentId: expect.stringMatching(/^pay_/),
    });
    expect(Object.keys(order.fulfillment)).toEqual(SHOP_REGISTRY.tasks.map(({ task }) => task));
    for (const { task } of SHOP_REGISTRY.tasks) {
      expect(order.fulfillment[task]).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    }

    const events = await takeEventsFor(inspector, orderEventsQueue(prefix), [order.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'checkout.order.completed',
      correlationId: 'corr-201',
      data: { orderId: order.id, totalCents: 2800, paymentId: order.paymentId },
    });
    // The relay marks published rows in batches, a moment after their confirms.
    await waitFor(
      'the outbox row marked published',
      async () =>
        (await database.prisma.outboxMessage.findUniqueOrThrow({ where: { id: events[0]!.id } }))
          .publishedAt !== null,
    );
    expect(await gateway.chargeFor(order.id)).toMatchObject({ amountCents: 2800, refunded: false });

    const fetched = await getJson(`${checkout.baseUrl}/orders/${order.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(order);
  });

  test('When the order carries prices and unknown fields, then prices come from the catalogue and nothing extra is stored', async () => {
    const request = {
      ...anOrderRequest({ items: [{ sku: 'NOTEBOOK-A5', quantity: 3, unitPriceCents: 1 }] }),
      totalCents: 3,
      status: 'completed',
    };
    const response = await postOrder(checkout.baseUrl, request);

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'confirmed', totalCents: 2700 });
    expect(response.body.items).toEqual([
      { sku: 'NOTEBOOK-A5', name: 'A5 notebook', quantity: 3, unitPriceCents: 900, lineTotalCents: 2700 },
    ]);
  });

  test('When the body is malformed JSON, then it answers 400 and writes nothing', async () => {
    const response = await expectRefusedWithoutWrites(() => postOrder(checkout.baseUrl, '{"customer": '));
    expect(response.status).toBe(400);
    expect(response.body.title).toBe('Malformed JSON');
  });

  const tooManyItems = Array.from({ length: 51 }, (_, index) => ({ sku: `SKU-${index}`, quantity: 1 }));
  test.each([
    ['an invalid email', 'customer.email', { customer: { email: 'ada@', name: 'Ada' } }],
    ['an empty name', 'customer.name', { customer: { email: 'ada@example.com', name: ' ' } }],
    [
      'a 201-character name',
      'customer.name',
      { customer: { email: 'ada@example.com', name: 'x'.repeat(201) } },
    ],
    ['no items', 'items', { items: [] }],
    ['51 items', 'items', { items: tooManyItems }],
    ['a quantity of 0', 'items[0].quantity', { items: [{ sku: 'MUG-CLASSIC', quantity: 0 }] }],
    ['a quantity of 101', 'items[0].quantity', { items: [{ sku: 'MUG-CLASSIC', quantity: 101 }] }],
    ['a fractional quantity', 'items[0].quantity', { items: [{ sku: 'MUG-CLASSIC', quantity: 1.5 }] }],
    [
      'the same SKU twice',
      'items[1].sku',
      {
        items: [
          { sku: 'MUG-CLASSIC', quantity: 1 },
          { sku: 'MUG-CLASSIC', quantity: 2 },
        ],
      },
    ],
    ['an 11-digit card number', 'payment.cardNumber', { payment: { cardNumber: '42424242424' } }],
    ['a 20-digit card number', 'payment.cardNumber', { payment: { cardNumber: '42424242424242424242' } }],
    ['a card number failing Luhn', 'payment.cardNumber', { payment: { cardNumber: '4242424242424241' } }],
    ['no payment', 'payment', { payment: undefined }],
  ])(
    'When the order has %s, then it answers 400 naming %s and writes nothing',
    async (_case, field, override) => {
      const response = await expectRefusedWithoutWrites(() =>
        postOrder(checkout.baseUrl, anOrderRequest(override as Record<string, unknown>)),
      );
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
    },
  );

  test('When several fields are invalid, then the 400 names each of them', async () => {
    const response = await expectRefusedWithoutWrites(() =>
      postOrder(checkout.baseUrl, {
        customer: { email: 'nope', name: '' },
        items: [{ sku: 'MUG-CLASSIC', quantity: 0 }],
        payment: { cardNumber: '123' },
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'customer.email',
      'customer.name',
      'items[0].quantity',
      'payment.cardNumber',
    ]);
  });

  test('When the Idempotency-Key is longer than 255 characters, then it answers 400 naming the header', async () => {
    const response = await expectRefusedWithoutWrites(() =>
      postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': 'k'.repeat(256) }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
  });

  test.each([
    ['declined', TEST_CARDS.declined, 'card_declined'],
    ['short of funds', TEST_CARDS.insufficientFunds, 'insufficient_funds'],
  ])(
    'When the card is %s, then it answers 402, records the declined order and publishes nothing',
    async (_case, cardNumber, reason) => {
      const before = await checkoutRowCounts(database.prisma);
      const response = await postOrder(checkout.baseUrl, anOrderRequest({ payment: { cardNumber } }));

      expect(response.status).toBe(402);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: 'PAYMENT.DECLINED', reason, orderId: expect.any(String) });
      const order = await database.prisma.order.findUniqueOrThrow({ where: { id: response.body.orderId } });
      expect(order).toMatchObject({ status: 'payment_declined', declineReason: reason, paymentId: null });
      // The outbox is the only way an event leaves checkout.
      expect(await checkoutRowCounts(database.prisma)).toEqual({
        ...before,
        orders: before.orders + 1,
        lines: before.lines + 2,
      });
    },
  );

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

  test('When the body is larger than 32 kB, then it answers 413 and writes nothing', async () => {
    const response = await expectRefusedWithoutWrites(() =>
      postOrder(checkout.baseUrl, anOrderRequest({ padding: 'x'.repeat(33 * 1024) })),
    );
    expect(response.status).toBe(413);
  });

  test('When the content type is not JSON, then it answers 415 and writes nothing', async () => {
    const response = await expectRefusedWithoutWrites(async () => {
      const sent = await fetch(`${checkout.baseUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(anOrderRequest()),
      });
      return { status: sent.status, headers: sent.headers, body: await sent.json() };
    });
    expect(response.status).toBe(415);
  });

  test('When an item names an unknown SKU, then it answers 422 naming the field and writes nothing', async () => {
    const response = await expectRefusedWithoutWrites(() =>
      postOrder(
        checkout.baseUrl,
        anOrderRequest({
          items: [
            { sku: 'MUG-CLASSIC', quantity: 1 },
            { sku: 'NO-SUCH-THING', quantity: 1 },
          ],
        }),
      ),
    );
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { field: 'items[1].sku', message: expect.stringContaining('NO-SUCH-THING') },
    ]);
  });

  test.each([
    ['an unknown id', '00000000-0000-4000-8000-000000000000'],
    ['a malformed id', 'not-a-uuid'],
  ])('When GET /orders/{id} asks for %s, then it answers 404 problem+json', async (_case, id) => {
    const response = await getJson(`${checkout.baseUrl}/orders/${id}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test.each([
    ['no criterion', ''],
    ["a customer's email", '?email=ada@example.com'],
    ['an 8-character id prefix', '?id={prefix}'],
  ])(
    'When GET /orders with %s comes without the admin token, then it answers 401 problem+json and shows no order',
    async (_case, query) => {
      const placed = (await postOrder(checkout.baseUrl, anOrderRequest())).body as { id: string };
      const url = `${checkout.baseUrl}/orders${query.replace('{prefix}', placed.id.slice(0, 8))}`;

      const strangers: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-admin-token-0123' }];
      for (const headers of strangers) {
        const response = await getJson(url, headers);
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(response.body).toMatchObject({ code: 'ADMIN.UNAUTHORIZED' });
        expect(JSON.stringify(response.body)).not.toContain('ada@example.com');
      }
      // The order's own link, an unguessable UUID, stays the shopper's.
      expect((await getJson(`${checkout.baseUrl}/orders/${placed.id}`)).status).toBe(200);
      expect((await getJson(url, asOperator)).body).toContainEqual(
        expect.objectContaining({ id: placed.id }),
      );
    },
  );

  test('When no ADMIN_TOKEN is configured, then GET /orders answers 404 as if absent, and GET /orders/{id} still answers', async () => {
    const withoutToken = await startTestCheckout({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix });
    try {
      const placed = (await postOrder(withoutToken.baseUrl, anOrderRequest())).body as { id: string };

      const listed = await getJson(`${withoutToken.baseUrl}/orders`, asOperator);

      expect(listed.status).toBe(404);
      expect(listed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(listed.body).toMatchObject({ code: 'ADMIN.OFF' });
      expect((await getJson(`${withoutToken.baseUrl}/orders/${placed.id}`)).status).toBe(200);
    } finally {
      await withoutToken.stop();
    }
  });

  test('When GET /orders has a limit, then it lists that many of the most recent orders, newest first', async () => {
    const first = await postOrder(checkout.baseUrl, anOrderRequest());
    const second = await postOrder(checkout.baseUrl, anOrderRequest());

    const response = await getJson(`${checkout.baseUrl}/orders?limit=2`, asOperator);
    expect(response.status).toBe(200);
    expect(response.body.map((order: { id: string }) => order.id)).toEqual([second.body.id, first.body.id]);
    expect((await getJson(`${checkout.baseUrl}/orders`, asOperator)).body.length).toBeGreaterThan(2);
  });

  test.each(['0', '101', 'ten'])(
    'When GET /orders has limit=%s, then it answers 400 naming limit',
    async (limit) => {
      const response = await getJson(`${checkout.baseUrl}/orders?limit=${limit}`, asOperator);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'limit', message: expect.any(String) }]);
    },
  );

  test('When GET /orders has an email, then it lists the orders of that customer only, newest first, whatever the case of the address', async () => {
    const customer = `Grace.Hopper+${Date.now()}@Example.com`;
    const orderFor = async (email: string) =>
      (await postOrder(checkout.baseUrl, anOrderRequest({ customer: { email, name: 'Grace Hopper' } }))).body
        .id as string;
    const first = await orderFor(customer);
    await orderFor(`someone-else-${Date.now()}@example.com`);
    const second = await orderFor(customer.toLowerCase());

    for (const asked of [customer, customer.toUpperCase()]) {
      const response = await getJson(
        `${checkout.baseUrl}/orders?email=${encodeURIComponent(asked)}`,
        asOperator,
      );
      expect(response.status).toBe(200);
      expect(response.body.map((order: { id: string }) => order.id)).toEqual([second, first]);
    }
    const limited = await getJson(
      `${checkout.baseUrl}/orders?email=${encodeURIComponent(customer)}&limit=1`,
      asOperator,
    );
    expect(limited.body.map((order: { id: string }) => order.id)).toEqual([second]);
    const nobody = await getJson(
      `${checkout.baseUrl}/orders?email=nobody-${Date.now()}@example.com`,
      asOperator,
    );
    expect(nobody.body).toEqual([]);
  });

  test('When GET /orders has an id or its first 8 or more characters, then it lists the orders it names', async () => {
    const { id } = (await postOrder(checkout.baseUrl, anOrderRequest())).body as { id: string };
    const idsFor = async (query: string) =>
      ((await getJson(`${checkout.baseUrl}/orders?${query}`, asOperator)).body as { id: string }[]).map(
        (order) => order.id,
      );

    expect(await idsFor(`id=${id}`)).toEqual([id]);
    expect(await idsFor(`id=${id.toUpperCase()}`)).toEqual([id]);
    for (const prefix of [id.slice(0, 8), id.slice(0, 11)]) {
      const found = await idsFor(`id=${prefix}`);
      expect(found).toContain(id);
      expect(found.every((candidate) => candidate.startsWith(prefix))).toBe(true);
    }
    expect(await idsFor(`id=${id}&email=ada@example.com`)).toEqual([id]);
    expect(await idsFor(`id=${id}&email=someone-else@example.com`)).toEqual([]);
  });

  test.each([
    ['email=not-an-address', 'email'],
    ['email=a@example.com&email=b@example.com', 'email'],
    ['id=0123abc', 'id'],
    ['id=0123abcd45', 'id'],
    ['id=0123abcg', 'id'],
    ['id=0123abcd-4567-89ab-cdef-0123456789abc', 'id'],
  ])('When GET /orders has %s, then it answers 400 problem+json naming %s', async (query, field) => {
    const response = await getJson(`${checkout.baseUrl}/orders?${query}`, asOperator);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([{ field, message: expect.any(String) }]);
  });

  test('When orders are searched by email, then Postgres can answer from the address index rather than reading the table', async () => {
    const [, plan] = await database.prisma.$transaction([
      database.prisma.$executeRawUnsafe('SET LOCAL enable_seqscan = off'),
      database.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT id FROM checkout.orders WHERE lower(customer_email) = lower('ada@example.com')
         ORDER BY created_at DESC, id ASC LIMIT 20`,
      ),
    ]);
    expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toContain(
      'orders_customer_email_lower_created_at_idx',
    );
  });

  test('When a price changes in the catalogue, then the next orders are priced at the new price', async () => {
    const order = anOrderRequest({ items: [{ sku: 'POSTER-QUEUE', quantity: 1 }] });
    const before = await postOrder(checkout.baseUrl, order);
    expect(before.body.totalCents).toBe(1500);

    await database.prisma.product.update({ where: { sku: 'POSTER-QUEUE' }, data: { priceCents: 1700 } });
    try {
      // The cache is dropped on the trigger's NOTIFY, a moment after the commit.
      const after = await waitFor('an order at the new price', async () => {
        const placed = await postOrder(checkout.baseUrl, order);
        return placed.body.totalCents === 1700 && placed;
      });
      expect(after.body.items).toEqual([
        expect.objectContaining({ sku: 'POSTER-QUEUE', unitPriceCents: 1700 }),
      ]);
    } finally {
      await database.prisma.product.update({ where: { sku: 'POSTER-QUEUE' }, data: { priceCents: 1500 } });
    }
  });

  test('When GET /products is called, then it lists the seeded catalogue in EUR', async () => {
    const response = await getJson(`${checkout.baseUrl}/products`);
    expect(response.status).toBe(200);
    expect(response.body.length).toBeGreaterThanOrEqual(5);
    expect(response.body).toContainEqual({
      sku: 'MUG-CLASSIC',
      name: 'Classic mug',
      priceCents: 1200,
      currency: 'EUR',
    });
  });

  test('When the database and broker are up, then /healthz and /readyz answer 200', async () => {
    expect((await getJson(`${checkout.baseUrl}/healthz`)).status).toBe(200);
    const ready = await getJson(`${checkout.baseUrl}/readyz`);
    expect(ready).toMatchObject({ status: 200, body: { checks: { database: true, broker: true } } });
  });
});
