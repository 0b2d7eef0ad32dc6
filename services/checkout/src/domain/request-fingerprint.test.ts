import { requestFingerprint } from './request-fingerprint';

const request = {
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  items: [{ sku: 'MUG-CLASSIC', quantity: 2 }],
  payment: { cardNumber: '4242424242424242' },
};

describe('requestFingerprint', () => {
  test('When two requests differ only in key order, then they have the same fingerprint', () => {
    const reordered = {
      payment: request.payment,
      items: request.items,
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    };
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(request));
  });

  test('When a quantity differs, then the fingerprint differs', () => {
    expect(requestFingerprint({ ...request, items: [{ sku: 'MUG-CLASSIC', quantity: 3 }] })).not.toBe(
      requestFingerprint(request),
    );
  });

  test('When a fingerprint is made, then it does not contain the card number', () => {
    expect(requestFingerprint(request)).not.toContain('4242424242424242');
    expect(requestFingerprint(request)).toMatch(/^[0-9a-f]{64}$/);
  });
});
