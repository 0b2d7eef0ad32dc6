import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { waitFor } from '../../../test/support';
import { TEST_CARDS } from '../src/payment/simulated-payment-gateway';
import {
  anOrderRequest,
  checkoutRowCounts,
  getJson,
  orderEventsQueue,
  postOrder,
  takeEventsFor,
} from './checkout-harness';
import { checkout, database, gateway, inspector, prefix, useOrdersApi } from './orders-api-fixture';

/**
 * Placing an order through POST /orders, against the real Postgres and RabbitMQ:
 * the 201 with its event, catalogue prices, and the 402 of a declined card.
 */

describe('checkout orders API', () => {
  useOrdersApi('orders_api_placing');

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
});
