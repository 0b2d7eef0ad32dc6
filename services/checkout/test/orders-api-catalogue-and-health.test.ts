import { waitFor } from '../../../test/support';
import { anOrderRequest, getJson, postOrder } from './checkout-harness';
import { checkout, database, useOrdersApi } from './orders-api-fixture';

/**
 * The catalogue checkout prices from (GET /products, a price change) and its
 * health endpoints.
 */

describe('checkout orders API', () => {
  useOrdersApi('orders_api_catalogue');

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
