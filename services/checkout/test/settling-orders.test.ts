import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@shop/contracts/database';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { AppError } from '@shop/shared/errors';
import type { EventEnvelope } from '@shop/shared/events';
import { QueueInspector, testLogger, uniquePrefix, waitFor } from '../../../test/support';
import { OrdersRepository } from '../src/data/orders-repository';
import { type PlaceOrderDeps, placeOrder } from '../src/domain/place-order';
import { requestFingerprint } from '../src/domain/request-fingerprint';
import { PostgresChargeLedger } from '../src/payment/postgres-charge-ledger';
import { SimulatedPaymentGateway } from '../src/payment/simulated-payment-gateway';
import {
  anOrderRequest,
  createTestDatabase,
  postOrder,
  startTestCheckout,
  type TestDatabase,
  topologyFor,
} from './checkout-harness';

/**
 * The ways an order can end up neither confirmed nor refused when the card
 * was charged, and how each is settled: the use case against the real
 * database with a repository that fails where a network would, and the
 * reconciler in a running checkout.
 */

const TASKS = SHOP_REGISTRY.tasks.map(({ task }) => task);

type Fault = 'lose-commit-answer' | 'fail-before-commit' | 'fail-every-read';

/** The real repository, failing at one chosen point. */
class FaultyOrders extends OrdersRepository {
  constructor(
    prisma: PrismaClient,
    private readonly fault: Fault,
  ) {
    super(prisma, TASKS);
  }

  override async confirm(...args: Parameters<OrdersRepository['confirm']>) {
    if (this.fault === 'fail-before-commit') throw new Error('Connection terminated unexpectedly');
    const confirmed = await super.confirm(...args);
    if (this.fault === 'lose-commit-answer') throw new Error('Connection terminated unexpectedly');
    return confirmed;
  }

  override async statusOf(id: string) {
    if (this.fault === 'fail-every-read') throw new Error('Connection terminated unexpectedly');
    return super.statusOf(id);
  }

  override async findById(id: string) {
    if (this.fault === 'fail-every-read') throw new Error('Connection terminated unexpectedly');
    return super.findById(id);
  }
}

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
      orders: new FaultyOrders(database.prisma, fault),
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
    expect(await orderRow(orderId)).toMatchObject({ status: 'failed', idempotencyKey: null });
  });

  test('When the refund itself fails, then the order stays pending for the reconciler and the answer is ORDER.PENDING, not a 500', async () => {
    const { deps, gateway } = dependencies('fail-before-commit', 'throws');

    const error = await refusal(place(deps));

    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('ORDER.PENDING');
    const orderId = error.details?.orderId as string;
    expect(await orderRow(orderId)).toMatchObject({ status: 'pending' });
    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: false });
  });

  test('When the order cannot even be read back after a failed confirm, then nothing is refunded and the order waits for the reconciler', async () => {
    const { deps, gateway } = dependencies('fail-before-commit');
    const orders = deps.orders as FaultyOrders;
    const reads = jest
      .spyOn(orders, 'statusOf')
      .mockRejectedValue(new Error('Connection terminated unexpectedly'));

    const error = await refusal(place(deps));

    expect(error.code).toBe('ORDER.PENDING');
    expect(reads).toHaveBeenCalled();
    const orderId = error.details?.orderId as string;
    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: false });
    expect(await orderRow(orderId)).toMatchObject({ status: 'pending' });
  });
});

describe('the reconciler of stale pending orders', () => {
  let database: TestDatabase;
  let inspector: QueueInspector;
  let prefix: string;

  beforeAll(async () => {
    database = await createTestDatabase('reconciler');
    inspector = await QueueInspector.open();
    prefix = uniquePrefix('reconciler');
  });

  afterAll(async () => {
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database.drop();
  });

  /** What a crash between charge and confirm leaves behind: a pending order, and maybe the gateway's charge. */
  async function leftByACrash(charged: boolean) {
    const request = anOrderRequest();
    const idempotencyKey = randomUUID();
    const orderId = randomUUID();
    const orders = new OrdersRepository(database.prisma, TASKS);
    const products = await database.prisma.product.findMany();
    const priceOf = (sku: string) => products.find((product) => product.sku === sku)!;
    const lines = request.items.map(({ sku, quantity }) => ({
      sku,
      name: priceOf(sku).name,
      quantity,
      unitPriceCents: priceOf(sku).priceCents,
      lineTotalCents: priceOf(sku).priceCents * quantity,
    }));
    const totalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
    await orders.createPending({
      id: orderId,
      customer: request.customer,
      priced: { lines, totalCents, currency: 'EUR' },
      idempotencyKey,
      requestHash: requestFingerprint(request),
      correlationId: randomUUID(),
      createdAt: new Date(),
    });
    if (charged) {
      await new SimulatedPaymentGateway(0, new PostgresChargeLedger(database.prisma)).charge({
        orderId,
        amountCents: totalCents,
        currency: 'EUR',
        cardNumber: request.payment.cardNumber,
      });
    }
    return { orderId, idempotencyKey, request };
  }

  test('When a charged order was left pending, then after PENDING_ORDER_TIMEOUT it is confirmed, its event published, and its key answers 201', async () => {
    const charged = await leftByACrash(true);
    const never = await leftByACrash(false);
    const checkout = await startTestCheckout({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      PENDING_ORDER_TIMEOUT: '500ms',
    });
    try {
      await waitFor('both orders settled', async () => {
        const [a, b] = await Promise.all([
          database.prisma.order.findUnique({ where: { id: charged.orderId } }),
          database.prisma.order.findUnique({ where: { id: never.orderId } }),
        ]);
        return a?.status !== 'pending' && b?.status !== 'pending' && [a, b];
      });

      expect(await database.prisma.order.findUniqueOrThrow({ where: { id: charged.orderId } })).toMatchObject(
        {
          status: 'confirmed',
          paymentId: expect.stringMatching(/^pay_/),
        },
      );
      const [event] = await inspector.take(`${prefix}email.order-completed`, 1);
      expect(JSON.parse(event!.content.toString())).toMatchObject({
        type: 'checkout.order.completed',
        data: { orderId: charged.orderId },
      });
      const replay = await postOrder(checkout.baseUrl, charged.request, {
        'Idempotency-Key': charged.idempotencyKey,
      });
      expect(replay).toMatchObject({ status: 201, body: { id: charged.orderId, status: 'confirmed' } });

      // Never charged: failed, and its key free for a fresh attempt.
      expect(await database.prisma.order.findUniqueOrThrow({ where: { id: never.orderId } })).toMatchObject({
        status: 'failed',
        idempotencyKey: null,
      });
      const retry = await postOrder(checkout.baseUrl, never.request, {
        'Idempotency-Key': never.idempotencyKey,
      });
      expect(retry.status).toBe(201);
      expect(retry.body.id).not.toBe(never.orderId);
    } finally {
      await checkout.stop();
    }
  });
});
