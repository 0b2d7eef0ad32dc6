import { quantitiesBySku } from './allocate-stock';

describe('allocating stock', () => {
  test('When an order names a SKU on two lines, then they become one quantity, and SKUs come sorted', () => {
    expect(
      quantitiesBySku([
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 4 },
    ]);
  });
});
