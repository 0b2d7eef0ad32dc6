import { randomUUID } from 'node:crypto';
import { QueueInspector, uniquePrefix, waitFor } from '../../../test/support';
import { OrdersRepository } from '../src/data/orders-repository';
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
import { TASKS } from './settling-orders-fixture';

/**
 * The reconciler in a running checkout: a pending order a crash left between
 * charge and confirm is confirmed or failed once its timeout has passed.
 */

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
