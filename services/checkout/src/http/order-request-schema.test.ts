import { orderRequestSchema } from './order-request-schema';

/** Out-of-range input is refused here, before placeOrder runs: nothing is written or charged for it. */
const aRequest = (items: unknown, cardNumber = '4242424242424242') => ({
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  items,
  payment: { cardNumber },
});

const issuesOf = (body: unknown) =>
  orderRequestSchema.safeParse(body).error?.issues.map(({ path, message }) => [path.join('.'), message]);

describe('orderRequestSchema', () => {
  test('When the request is in range, then it passes', () => {
    expect(issuesOf(aRequest([{ sku: 'BOOK-1', quantity: 100 }]))).toBeUndefined();
  });

  test.each([
    [0, 'must be at least 1'],
    [101, 'must be at most 100'],
    [1.5, 'must be a whole number'],
  ])('When a quantity is %p, then the item is refused: %s', (quantity, message) => {
    expect(issuesOf(aRequest([{ sku: 'BOOK-1', quantity }]))).toEqual([['items.0.quantity', message]]);
  });

  test('When the basket is empty or over 50 items, then it is refused', () => {
    const many = Array.from({ length: 51 }, (_, index) => ({ sku: `SKU-${index}`, quantity: 1 }));
    expect(issuesOf(aRequest([]))).toEqual([['items', 'must contain at least 1 item']]);
    expect(issuesOf(aRequest(many))).toEqual([['items', 'must contain at most 50 items']]);
  });

  test('When the card number fails its check digit, then it is refused without quoting it', () => {
    expect(issuesOf(aRequest([{ sku: 'BOOK-1', quantity: 1 }], '4242424242424241'))).toEqual([
      ['payment.cardNumber', 'is not a valid card number (Luhn check failed)'],
    ]);
  });
});
