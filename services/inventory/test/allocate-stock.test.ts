import { allocateStock, quantitiesBySku } from '../src/domain/allocate-stock';

describe('allocating stock', () => {
  test('When enough is on hand, then the whole quantity is served', () => {
    expect(allocateStock(10, { sku: 'A', quantity: 3 })).toEqual({
      sku: 'A',
      quantity: 3,
      served: 3,
      backordered: 0,
    });
  });

  test('When too little is on hand, then what is there is served and the rest is backordered', () => {
    expect(allocateStock(2, { sku: 'A', quantity: 5 })).toMatchObject({ served: 2, backordered: 3 });
    expect(allocateStock(0, { sku: 'A', quantity: 5 })).toMatchObject({ served: 0, backordered: 5 });
  });

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
