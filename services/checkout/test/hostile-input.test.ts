import type { ChargeRequest, ChargeResult } from '../src/payment/payment-gateway';
import { SimulatedPaymentGateway } from '../src/payment/simulated-payment-gateway';
import { anOrderRequest, checkoutRowCounts, checkoutTestContext, postOrder } from './checkout-harness';

/**
 * Text the database cannot hold, or that has no business in a log, is
 * refused as a 400 naming its field before anything is charged or written:
 * Postgres refuses NUL in text, and a lone UTF-16 surrogate cannot be
 * encoded as UTF-8 nor stored in jsonb (the outbox).
 */

/** The simulated gateway, counting every charge it is asked for. */
class CountingGateway extends SimulatedPaymentGateway {
  chargesAsked = 0;

  override charge(request: ChargeRequest): Promise<ChargeResult | 'cancelled'> {
    this.chargesAsked += 1;
    return super.charge(request);
  }
}

describe('checkout refuses hostile text', () => {
  const context = checkoutTestContext('hostile_input');

  const name = (value: string) => ({ customer: { email: 'ada@example.com', name: value } });
  const sku = (value: string) => ({ items: [{ sku: value, quantity: 1 }] });

  test.each([
    ['a NUL in the customer name', 'customer.name', name('Ada\u0000Lovelace')],
    ['a lone surrogate in the customer name', 'customer.name', name('Ada \ud800')],
    ['a reversed surrogate pair in the customer name', 'customer.name', name('\udc00\ud800')],
    ['a control character in the customer name', 'customer.name', name('Ada\u001bLovelace')],
    ['a NUL in a SKU', 'items[0].sku', sku('MUG-CLASSIC\u0000')],
    ['a lone surrogate in a SKU', 'items[0].sku', sku('MUG-\udfff')],
    ['a NUL in the email', 'customer.email', { customer: { email: 'ada\u0000@example.com', name: 'Ada' } }],
  ])(
    'When the order has %s, then it answers 400 naming %s, charges nothing and writes nothing',
    async (_case, field, override) => {
      const gateway = new CountingGateway();
      const checkout = await context.start({}, gateway);
      const before = await checkoutRowCounts(context.database.prisma);

      const response = await postOrder(checkout.baseUrl, anOrderRequest(override));

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
      expect(gateway.chargesAsked).toBe(0);
      expect(await checkoutRowCounts(context.database.prisma)).toEqual(before);
    },
  );

  test('When a name uses well-formed non-ASCII text (accents, CJK, emoji), then the order is placed as written', async () => {
    const checkout = await context.start();
    const written = 'Zoë 李 🦊 Ångström';

    const response = await postOrder(checkout.baseUrl, anOrderRequest(name(written)));

    expect(response.status).toBe(201);
    expect(response.body.customer.name).toBe(written);
  });

  test.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['outside printable ASCII', 'key-\u00ff'],
    ['empty', ''],
  ])(
    'When the Idempotency-Key is %s, then it answers 400 naming the header and writes nothing',
    async (_case, key) => {
      const gateway = new CountingGateway();
      const checkout = await context.start({}, gateway);
      const before = await checkoutRowCounts(context.database.prisma);

      const response = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
      expect(gateway.chargesAsked).toBe(0);
      expect(await checkoutRowCounts(context.database.prisma)).toEqual(before);
    },
  );

  test.each([
    ['longer than 200 characters', 'c'.repeat(201)],
    ['outside printable ASCII', 'corr-\u00e9'],
    ['with a space', 'corr id'],
  ])(
    'When x-correlation-id is %s, then a new id replaces it and the answer says which',
    async (_case, given) => {
      const checkout = await context.start();

      const response = await fetch(`${checkout.baseUrl}/products`, {
        headers: { 'x-correlation-id': given },
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  test.each([
    ['GET /orders/{id} with a malformed percent-encoding', '/orders/%E0%A4%A'],
    ['GET /orders/{id} with an encoded NUL', '/orders/%00'],
    ['GET /orders with limit=%00', '/orders?limit=%00'],
    ['GET /orders with the limit given twice', '/orders?limit=1&limit=2'],
  ])('When %s is asked for, then it answers 400 or 404 problem+json, never 500', async (_case, path) => {
    const checkout = await context.start({ ADMIN_TOKEN: 'admin-token-for-tests-0123456789' });

    const response = await fetch(`${checkout.baseUrl}${path}`, {
      headers: { authorization: 'Bearer admin-token-for-tests-0123456789' },
    });

    expect([400, 404]).toContain(response.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
