import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@shop/contracts/database';
import { waitFor } from '../../../test/support';
import type { ChargeRequest } from '../src/payment/payment-gateway';
import { PostgresChargeLedger } from '../src/payment/postgres-charge-ledger';
import { SimulatedPaymentGateway } from '../src/payment/simulated-payment-gateway';
import { anOrderRequest, checkoutTestContext, orderEventsQueue, postOrder } from './checkout-harness';

/**
 * A charge that answers after PENDING_ORDER_TIMEOUT, when the reconciler has
 * already settled its order: for one Idempotency-Key, at most one charge
 * stands at any moment, and an order is never settled twice. The gateway's
 * ledger is `gateway.charges`, as in production; its first charge is held at
 * a chosen point until the reconciler has acted.
 */

/** The simulated gateway on the test's database, holding its first charge where told to. */
class HeldGateway extends SimulatedPaymentGateway {
  private held = false;

  constructor(
    prisma: PrismaClient,
    private readonly hold: {
      before?: (orderId: string) => Promise<unknown>;
      after?: (orderId: string) => Promise<unknown>;
    },
  ) {
    super(0, new PostgresChargeLedger(prisma));
  }

  override async charge(request: ChargeRequest) {
    const first = !this.held;
    this.held = true;
    if (first) await this.hold.before?.(request.orderId);
    const result = await super.charge(request);
    if (first) await this.hold.after?.(request.orderId);
    return result;
  }
}

describe('a charge that answers after the reconciler settled its order', () => {
  const context = checkoutTestContext('late_charges');
  const statusIs = (orderId: string, status: string) =>
    waitFor(
      `order ${orderId} ${status}`,
      async () =>
        (await context.database.prisma.order.findUnique({ where: { id: orderId } }))?.status === status,
      15_000,
    );
  const outboxRowsFor = (orderId: string) =>
    context.database.prisma.outboxMessage.count({
      where: { payload: { path: ['data', 'orderId'], equals: orderId } },
    });

  test('When the charge would land after the reconciler failed its order, then it charges nothing, the answer is 503 ORDER.NOT_SAVED, and the retry with the same key places one charged order', async () => {
    const gateway = new HeldGateway(context.database.prisma, {
      before: (orderId) => statusIs(orderId, 'failed'),
    });
    const checkout = await context.start({ PENDING_ORDER_TIMEOUT: '500ms' }, gateway);
    const key = randomUUID();

    const late = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key });
    const retried = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key });

    const firstId = late.body.orderId as string;
    const standing = await context.database.prisma.simulatedCharge.findMany({
      where: { orderId: { in: [firstId, retried.body.id] }, approved: true, refunded: false },
    });
    expect(standing.map((charge) => charge.orderId)).toEqual([retried.body.id]);
    expect(late).toMatchObject({ status: 503, body: { code: 'ORDER.NOT_SAVED', orderId: firstId } });
    expect(late.headers.get('retry-after')).toBe('5');
    expect(
      await context.database.prisma.simulatedCharge.findUnique({ where: { orderId: firstId } }),
    ).toMatchObject({ approved: null, cancelledAt: expect.any(Date) });
    expect(await context.database.prisma.order.findUnique({ where: { id: firstId } })).toMatchObject({
      status: 'failed',
      idempotencyKey: null,
      paymentId: null,
    });
    expect(await outboxRowsFor(firstId)).toBe(0);
    expect(retried).toMatchObject({ status: 201, body: { status: 'confirmed' } });
    expect(retried.body.id).not.toBe(firstId);
    expect(await outboxRowsFor(retried.body.id)).toBe(1);
  });

  test('When the charge lands just before the reconciler looks and the reconciler confirms the order, then the request answers 201 with that order and publishes no second event', async () => {
    const gateway = new HeldGateway(context.database.prisma, {
      after: (orderId) => statusIs(orderId, 'confirmed'),
    });
    const checkout = await context.start({ PENDING_ORDER_TIMEOUT: '500ms' }, gateway);

    const placed = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': randomUUID() });

    expect(placed).toMatchObject({ status: 201, body: { status: 'confirmed' } });
    const orderId = placed.body.id as string;
    // Stopping checkout waits for every publish it started; then the queue holds all there will be.
    await waitFor(
      'the outbox row published',
      async () => (await context.database.prisma.outboxMessage.count({ where: { publishedAt: null } })) === 0,
    );
    await checkout.stop();
    const events = (await context.inspector.drain(orderEventsQueue(context.prefix))).map(
      (message) => JSON.parse(message.content.toString()) as { data: { orderId: string } },
    );
    expect(events.filter((event) => event.data.orderId === orderId)).toHaveLength(1);
    expect(await outboxRowsFor(orderId)).toBe(1);
    expect(await context.database.prisma.simulatedCharge.findUnique({ where: { orderId } })).toMatchObject({
      approved: true,
      refunded: false,
    });
  });
});
