import { randomUUID } from 'node:crypto';
import { AppError } from '@shared/core/errors';
import type { EventEnvelope } from '@shared/messaging';
import { testLogger } from '../../../test/support';
import { OrdersRepository } from '../src/data/orders-repository';
import { type PlaceOrderDeps, placeOrder } from '../src/domain/place-order';
import { reconcilePendingOrders } from '../src/domain/reconcile-pending-orders';
import { SimulatedPaymentGateway } from '../src/payment/simulated-payment-gateway';
import { anOrderRequest, createTestDatabase, type TestDatabase } from './checkout-harness';
import { type Fault, FaultyOrders, TASKS } from './settling-orders-fixture';

/**
 * The ways an order can end up neither confirmed nor refused when the card
 * was charged, and how the use case settles each, against the real database
 * with a repository that fails where a network would.
 */

describe('settling orders the confirm left open', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('settling');
  });

  afterAll(() => database.drop());

  function dependencies(fault: Fault, refund: 'works' | 'throws' = 'works') {
    const gateway = new SimulatedPaymentGateway();
    const published: EventEnvelope[] = [];
    const deps: PlaceOrderDeps = {
      orders: new FaultyOrders(database, fault),
      catalogue: { find: (skus) => database.prisma.product.findMany({ where: { sku: { in: skus } } }) },
      payments: {
        charge: (request) => gateway.charge(request),
        refund: async (orderId) => {
          if (refund === 'throws') throw new Error('gateway timeout on refund');
          await gateway.refund(orderId);
        },
        cancel: (orderId) => gateway.cancel(orderId),
      },
      outbox: { leaseForNewRow: () => 0, publishCommitted: (event) => void published.push(event) },
      backlog: { isFull: async () => ({ full: false, waiting: 0 }), limit: 1_000 },
      tasks: TASKS,
      log: testLogger(),
    };
    return { deps, gateway, published };
  }

  const place = (deps: PlaceOrderDeps, idempotencyKey: string = randomUUID()) =>
    placeOrder(
      { request: anOrderRequest(), idempotencyKey, correlationId: randomUUID(), traceparent: null },
      deps,
    );
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => error as AppError,
    );
  const orderRow = (id: string) => database.prisma.order.findUniqueOrThrow({ where: { id } });
  const outboxRowsFor = (orderId: string) =>
    database.prisma.outboxMessage.count({
      where: { payload: { path: ['data', 'orderId'], equals: orderId } },
    });

  test('When the confirm commits but its answer is lost, then the order stands: confirmed, not refunded, its key kept, its event in the outbox once', async () => {
    const { deps, gateway, published } = dependencies('lose-commit-answer');

    const order = await place(deps, 'lost-answer-key');

    expect(order.status).toBe('confirmed');
    expect(await gateway.chargeFor(order.id)).toMatchObject({ refunded: false });
    expect(await orderRow(order.id)).toMatchObject({
      status: 'confirmed',
      idempotencyKey: 'lost-answer-key',
    });
    // Which confirm wrote the row cannot be told after a lost answer: the relay's sweep publishes it.
    expect(await outboxRowsFor(order.id)).toBe(1);
    expect(published).toEqual([]);
  });

  test('When the confirm is still running on the server as its answer is lost, then the order it confirms stands and its charge is not refunded', async () => {
    const { deps, gateway } = dependencies('lose-answer-while-queued');
    const orders = deps.orders as FaultyOrders;

    const answer = await place(deps, 'queued-confirm-key').then(
      (order) => ({ order, error: undefined }),
      (error: AppError) => ({ order: undefined, error }),
    );
    await orders.unanswered;

    const orderId = (answer.order?.id ?? answer.error?.details?.orderId) as string;
    const row = await orderRow(orderId);
    const charge = await gateway.chargeFor(orderId);
    // A charge stands exactly when its order is confirmed.
    expect({ status: row.status, refunded: charge !== 'cancelled' && charge?.refunded }).toEqual({
      status: 'confirmed',
      refunded: false,
    });
    expect(answer.order).toMatchObject({ id: orderId, status: 'confirmed' });
    expect(row.idempotencyKey).toBe('queued-confirm-key');
    expect(await outboxRowsFor(orderId)).toBe(1);
  });

  test('When nothing can be read back after the confirm, then the shopper still gets the confirmed order', async () => {
    const { deps } = dependencies('fail-every-read');

    const order = await place(deps);

    expect(order).toMatchObject({ status: 'confirmed', paymentId: expect.stringMatching(/^pay_/) });
    expect(await orderRow(order.id)).toMatchObject({ status: 'confirmed' });
  });

  test('When the confirm did not commit, then the charge is refunded, the order failed and its key released', async () => {
    const { deps, gateway } = dependencies('fail-before-commit');

    const error = await refusal(place(deps, 'refunded-key'));

    expect(error.code).toBe('ORDER.NOT_SAVED');
    const orderId = error.details?.orderId as string;
    expect(await gateway.chargeFor(orderId)).toMatchObject({ result: { approved: true }, refunded: true });
    expect(await orderRow(orderId)).toMatchObject({
      status: 'failed',
      refundOwed: false,
      idempotencyKey: null,
    });
  });

  /** Runs the reconciler over one order, as if its timeout had passed. */
  async function reconcile(orderId: string, payments: SimulatedPaymentGateway) {
    await database.prisma.order.update({
      where: { id: orderId },
      data: { updatedAt: new Date(Date.now() - 60_000) },
    });
    const settled = await reconcilePendingOrders(
      {
        orders: new OrdersRepository(database.prisma, TASKS),
        payments,
        outbox: { leaseForNewRow: () => 0, publishCommitted: () => undefined },
        log: testLogger(),
      },
      30_000,
    );
    return settled.get(orderId);
  }

  test('When the refund itself fails, then the order is failed owing its refund, its key held (409), and the reconciler refunds it and frees the key', async () => {
    const { deps, gateway } = dependencies('fail-before-commit', 'throws');
    const key = randomUUID();

    const error = await refusal(place(deps, key));

    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('ORDER.PENDING');
    const orderId = error.details?.orderId as string;
    expect(await orderRow(orderId)).toMatchObject({
      status: 'failed',
      refundOwed: true,
      idempotencyKey: key,
    });
    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: false });
    expect((await refusal(place(deps, key))).code).toBe('IDEMPOTENCY.REQUEST_IN_PROGRESS');

    expect(await reconcile(orderId, gateway)).toBe('refunded');

    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: true });
    expect(await orderRow(orderId)).toMatchObject({
      status: 'failed',
      refundOwed: false,
      idempotencyKey: null,
    });
    const retried = await place(dependencies('fail-every-read').deps, key);
    expect(retried).toMatchObject({ status: 'confirmed' });
    expect(retried.id).not.toBe(orderId);
  });

  test('When the key cannot be released after the refund, then the answer is ORDER.NOT_SAVED and the reconciler releases it', async () => {
    const { deps, gateway } = dependencies('fail-before-commit');
    jest
      .spyOn(deps.orders, 'refundDone')
      .mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    const key = randomUUID();

    const error = await refusal(place(deps, key));

    expect(error.code).toBe('ORDER.NOT_SAVED');
    const orderId = error.details?.orderId as string;
    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: true });
    expect(await orderRow(orderId)).toMatchObject({
      status: 'failed',
      refundOwed: true,
      idempotencyKey: key,
    });

    expect(await reconcile(orderId, gateway)).toBe('refunded');

    expect(await orderRow(orderId)).toMatchObject({
      status: 'failed',
      refundOwed: false,
      idempotencyKey: null,
    });
    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: true });
  });

  test('When the order cannot be failed after a failed confirm (the database is gone), then nothing is refunded and the order waits for the reconciler', async () => {
    const { deps, gateway } = dependencies('fail-before-commit');
    jest
      .spyOn(deps.orders, 'failOwingRefund')
      .mockRejectedValue(new Error('Connection terminated unexpectedly'));

    const error = await refusal(place(deps));

    expect(error.code).toBe('ORDER.PENDING');
    const orderId = error.details?.orderId as string;
    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: false });
    expect(await orderRow(orderId)).toMatchObject({ status: 'pending' });

    // The charge stands, so the reconciler confirms the order.
    expect(await reconcile(orderId, gateway)).toBe('confirmed');
    expect(await orderRow(orderId)).toMatchObject({ status: 'confirmed' });
  });
});
