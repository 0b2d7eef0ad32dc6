import { anOrderRequest, getJson, postOrder, startTestCheckout } from './checkout-harness';
import { asOperator, checkout, database, prefix, useOrdersApi } from './orders-api-fixture';

/**
 * Reading orders: GET /orders/{id} for the shopper, GET /orders for the
 * operator behind the admin token, by limit, email and id.
 */

describe('checkout orders API', () => {
  useOrdersApi('orders_api_listing');

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
});
