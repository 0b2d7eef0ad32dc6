import { anOrderRequest, postOrder } from './checkout-harness';
import { checkout, expectRefusedWithoutWrites, useOrdersApi } from './orders-api-fixture';

/**
 * The requests POST /orders refuses (400, 413, 415, 422), each answered
 * problem+json without a row written.
 */

describe('checkout orders API', () => {
  useOrdersApi('orders_api_refusals');

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
});
