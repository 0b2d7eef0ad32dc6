import { randomUUID } from 'node:crypto';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { AppError } from '@shop/shared/errors';
import type { EventEnvelope } from '@shop/shared/events';
import pg from 'pg';
import { QueueInspector, testLogger, uniquePrefix, waitFor } from '../../../test/support';
import { OrdersRepository } from '../src/data/orders-repository';
import { type PlaceOrderDeps, placeOrder } from '../src/domain/place-order';
import { reconcilePendingOrders } from '../src/domain/reconcile-pending-orders';
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

type Fault = 'lose-commit-answer' | 'fail-before-commit' | 'fail-every-read' | 'lose-answer-while-queued';

/** The real repository, failing at one chosen point. */
class FaultyOrders extends OrdersRepository {
  /** The confirm left running ('lose-answer-while-queued'), and the lock it queued behind. */
  unanswered: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly database: TestDatabase,
    private readonly fault: Fault,
  ) {
    super(database.prisma, TASKS);
  }

  override async confirm(...args: Parameters<OrdersRepository['confirm']>) {
    if (this.fault === 'fail-before-commit') throw new Error('Connection terminated unexpectedly');
    if (this.fault === 'lose-answer-while-queued') return this.loseAnswerWhileQueued(args);
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

  /**
   * The confirm statement reaches the server but waits there behind another
   * session's lock on the order's row, while its answer is lost: the
   * connection fails as the statement still runs. The lock is let go once a
   * second statement queues behind it (whatever the settling path does to
   * the order's row next), or after 10 s, and the confirm then commits.
   */
  private async loseAnswerWhileQueued(args: Parameters<OrdersRepository['confirm']>): Promise<boolean> {
    const holder = new pg.Client({ connectionString: this.database.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM checkout.orders WHERE id = $1 FOR UPDATE', [args[0]]);
    const confirm = super.confirm(...args).catch(() => false);
    await waitFor('the confirm to queue behind the lock', async () => (await this.waitingForLocks()) === 1);
    this.unanswered = waitFor(
      'a second statement behind the lock',
      async () => (await this.waitingForLocks()) >= 2,
      10_000,
    )
      .catch(() => undefined)
      .then(() => holder.query('ROLLBACK'))
      .finally(() => holder.end())
      .then(() => confirm);
    throw new Error('Connection terminated unexpectedly');
  }

  /** Statements of this test's database waiting for a lock (the database is the file's own). */
  private async waitingForLocks(): Promise<number> {
    const [row] = await this.database.prisma.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return row?.waiting ?? 0;
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
