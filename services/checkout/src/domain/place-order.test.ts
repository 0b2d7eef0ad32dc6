import { createLogger } from '@shared/core/logging';
import { InMemoryEventBus } from '@shared/messaging/testing';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import type { ChargeRequest } from '../payment/payment-gateway';
import { SimulatedPaymentGateway, TEST_CARDS } from '../payment/simulated-payment-gateway';
import { InMemoryOrders, inMemoryCatalogue } from '../testing/in-memory-orders';
import { type PlaceOrderCommand, type PlaceOrderDeps, placeOrder } from './place-order';
import type { OrderRequest } from './request-fingerprint';

const TASKS = SHOP_REGISTRY.tasks.map(({ task }) => task);
const BOOK = { sku: 'BOOK-1', name: 'A book', priceCents: 1500, currency: 'EUR' };

/** The simulated gateway, remembering every charge it was asked for. */
class RecordingGateway extends SimulatedPaymentGateway {
  readonly charges: ChargeRequest[] = [];

  override charge(request: ChargeRequest) {
    this.charges.push(request);
    return super.charge(request);
  }
}

function setUp(options: { backlogFull?: boolean } = {}) {
  const bus = new InMemoryEventBus();
  const orders = new InMemoryOrders(TASKS);
  const payments = new RecordingGateway();
  const deps: PlaceOrderDeps = {
    orders,
    catalogue: inMemoryCatalogue([BOOK]),
    payments,
    outbox: bus.outbox,
    backlog: { isFull: async () => ({ full: options.backlogFull ?? false, waiting: 0 }), limit: 10 },
    tasks: TASKS,
    log: createLogger('checkout', 'silent'),
  };
  return { bus, orders, payments, deps };
}

function aCommand(request: Partial<OrderRequest> = {}, idempotencyKey?: string): PlaceOrderCommand {
  return {
    request: {
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      items: [{ sku: BOOK.sku, quantity: 2 }],
      payment: { cardNumber: '4242424242424242' },
      ...request,
    },
    idempotencyKey,
    correlationId: 'test-correlation',
    traceparent: null,
  };
}

describe('placeOrder', () => {
  test('When the card is approved, then the order is confirmed with its OrderCompleted event in one write, published after it', async () => {
    const { bus, orders, deps } = setUp();

    const order = await placeOrder(aCommand(), deps);

    expect(order).toMatchObject({ status: 'confirmed', totalCents: 3000, currency: 'EUR' });
    const stored = await orders.findById(order.id);
    expect(stored).toMatchObject({ status: 'confirmed', paymentId: order.paymentId });
    expect(stored?.tasks.map(({ task, status }) => [task, status])).toEqual(
      TASKS.map((task) => [task, 'pending']),
    );
    expect(orders.outbox).toHaveLength(1);
    expect(orders.outbox[0]).toMatchObject({
      type: OrderCompletedV1.type,
      correlationId: 'test-correlation',
      data: { orderId: order.id, totalCents: 3000, paymentId: order.paymentId },
    });
    expect(bus.publishedOf(OrderCompletedV1)).toEqual(orders.outbox);
  });

  test.each([
    [TEST_CARDS.declined, 'card_declined'],
    [TEST_CARDS.insufficientFunds, 'insufficient_funds'],
  ])(
    'When the card %s is declined, then the refusal names %s and nothing is publishable',
    async (cardNumber, reason) => {
      const { bus, orders, deps } = setUp();

      await expect(placeOrder(aCommand({ payment: { cardNumber } }), deps)).rejects.toMatchObject({
        code: 'PAYMENT.DECLINED',
        details: { reason },
      });

      expect([...orders.orders.values()].map(({ status }) => status)).toEqual(['payment_declined']);
      expect(orders.outbox).toEqual([]);
      expect(bus.published).toEqual([]);
    },
  );

  test('When an item names no product of the catalogue, then the refusal names the item and nothing is charged or written', async () => {
    const { bus, orders, payments, deps } = setUp();
    const items = [
      { sku: BOOK.sku, quantity: 1 },
      { sku: 'NOPE-1', quantity: 1 },
    ];

    await expect(placeOrder(aCommand({ items }), deps)).rejects.toMatchObject({
      code: 'ORDER.UNKNOWN_SKU',
      details: { errors: [{ field: 'items[1].sku', message: 'No product with SKU "NOPE-1"' }] },
    });

    expect(payments.charges).toEqual([]);
    expect(orders.orders.size).toBe(0);
    expect(bus.published).toEqual([]);
  });

  test('When the outbox backlog is full, then the order is refused before anything is charged or written', async () => {
    const { orders, payments, deps } = setUp({ backlogFull: true });

    await expect(placeOrder(aCommand(), deps)).rejects.toMatchObject({ code: 'ORDER.OUTBOX_BACKLOG_FULL' });

    expect(payments.charges).toEqual([]);
    expect(orders.orders.size).toBe(0);
  });

  test('When the confirm fails after the charge, then the charge is refunded, the key released and the refusal is ORDER.NOT_SAVED', async () => {
    const { bus, orders, payments, deps } = setUp();
    orders.confirm = () => Promise.reject(new Error('connection lost'));

    const refusal = placeOrder(aCommand({}, 'key-1'), deps);

    await expect(refusal).rejects.toMatchObject({ code: 'ORDER.NOT_SAVED' });
    const [order] = orders.orders.values();
    expect(order).toMatchObject({ status: 'failed', refundOwed: false, idempotencyKey: null });
    expect(await payments.chargeFor(order!.id)).toMatchObject({ result: { approved: true }, refunded: true });
    expect(orders.outbox).toEqual([]);
    expect(bus.published).toEqual([]);
  });

  test('When the confirm committed but its answer was lost, then the order stands and its event is left to the relay', async () => {
    const { bus, orders, payments, deps } = setUp();
    const confirm = orders.confirm.bind(orders);
    orders.confirm = async (...args) => {
      await confirm(...args);
      throw new Error('connection lost after the commit');
    };

    const order = await placeOrder(aCommand(), deps);

    expect(await orders.statusOf(order.id)).toBe('confirmed');
    expect(await payments.chargeFor(order.id)).toMatchObject({ refunded: false });
    expect(orders.outbox).toHaveLength(1);
    expect(bus.published).toEqual([]);
  });

  test('When the same request comes again with its Idempotency-Key, then the first order is the answer and the card is charged once', async () => {
    const { bus, payments, deps } = setUp();

    const first = await placeOrder(aCommand({}, 'key-1'), deps);
    const again = await placeOrder(aCommand({}, 'key-1'), deps);

    expect(again).toMatchObject({ id: first.id, status: 'confirmed', paymentId: first.paymentId });
    expect(payments.charges).toHaveLength(1);
    expect(bus.published).toHaveLength(1);
  });

  test('When another request comes with a used Idempotency-Key, then it is refused and nothing is charged', async () => {
    const { payments, deps } = setUp();
    await placeOrder(aCommand({}, 'key-1'), deps);

    await expect(
      placeOrder(aCommand({ items: [{ sku: BOOK.sku, quantity: 3 }] }, 'key-1'), deps),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });

    expect(payments.charges).toHaveLength(1);
  });
});
