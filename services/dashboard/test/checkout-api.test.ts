import { anOrderRequest, checkoutTestContext, postOrder } from '../../checkout/test/checkout-harness';
import { CheckoutApi } from '../src/sources/checkout-api';

/**
 * The dashboard's client of checkout against the real checkout: listing and
 * searching orders is an operators' route, so the client sends the admin
 * token it holds; an order's own link needs none.
 */
describe("the dashboard's checkout client", () => {
  const ADMIN_TOKEN = 'dashboard-admin-token-0123456789';
  const context = checkoutTestContext('dashboard_client');

  test('When the dashboard lists and searches orders, then checkout answers it with the orders, the admin token being sent', async () => {
    const checkout = await context.start({ ADMIN_TOKEN });
    const email = `dashboard-${Date.now()}@example.com`;
    const placed = await postOrder(checkout.baseUrl, anOrderRequest({ customer: { email, name: 'Ada' } }));
    const api = new CheckoutApi(checkout.baseUrl, ADMIN_TOKEN);
    /** The listed ids; a refusal fails here, showing checkout's answer. */
    const ids = (answer: Awaited<ReturnType<CheckoutApi['recentOrders']>>) => {
      if (!answer.ok) throw new Error(`checkout refused: ${answer.status} ${JSON.stringify(answer.problem)}`);
      return answer.body.map((order) => order.id);
    };

    expect(ids(await api.recentOrders(5))).toContain(placed.body.id);
    expect(ids(await api.searchOrders({ email }, 5))).toEqual([placed.body.id]);
    expect(ids(await api.searchOrders({ id: placed.body.id.slice(0, 8) }, 5))).toContain(placed.body.id);
    expect(await api.order(placed.body.id)).toMatchObject({ ok: true, body: { id: placed.body.id } });
  });
});
