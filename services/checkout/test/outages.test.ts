import { randomUUID } from 'node:crypto';
import { connectBroker, createEvent, OutboxRelay } from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { amqpUrl, testLogger, waitFor } from '../../../test/support';
import { TcpProxy } from '../../../test/tcp-proxy';
import { loadCheckoutConfig } from '../src/config';
import type { PaymentGateway } from '../src/payment/payment-gateway';
import { SimulatedPaymentGateway } from '../src/payment/simulated-payment-gateway';
import {
  anOrderRequest,
  checkoutEnvironment,
  checkoutRowCounts,
  checkoutTestContext,
  getJson,
  orderEventsQueue,
  postOrder,
  takeEventsFor,
} from './checkout-harness';

/**
 * Checkout when Postgres or RabbitMQ goes away. The outage is a TCP proxy
 * between checkout and the real server being cut, so tests running in
 * parallel against the same servers are not disturbed.
 */

describe('checkout during outages', () => {
  const context = checkoutTestContext('outages');
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  const proxied = async (url: string) => {
    const { hostname, port } = new URL(url);
    const started = await TcpProxy.start(hostname, Number(port));
    proxy = started;
    return started.rewrite(url);
  };

  test('When the database is unreachable, then POST /orders answers 503 with Retry-After, charges nothing and writes nothing', async () => {
    const gateway = new SimulatedPaymentGateway();
    const charge = jest.spyOn(gateway, 'charge');
    const checkout = await context.start({ DATABASE_URL: await proxied(context.database.url) }, gateway);
    const before = await checkoutRowCounts(context.database.prisma);
    proxy!.cut();

    const response = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': randomUUID() });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body.code).toBe('DATABASE.UNAVAILABLE');
    expect(charge).not.toHaveBeenCalled();
    const ready = await getJson(`${checkout.baseUrl}/readyz`);
    expect(ready).toMatchObject({ status: 503, body: { checks: { database: false } } });
    expect(await checkoutRowCounts(context.database.prisma)).toEqual(before);

    proxy!.restore();
    expect((await postOrder(checkout.baseUrl, anOrderRequest())).status).toBe(201);
  });

  test('When the database goes away between the charge and the confirm, then nothing is refunded blindly: 503 ORDER.PENDING, and the reconciler confirms the order once the database is back', async () => {
    const gateway = new SimulatedPaymentGateway();
    // The database goes away exactly between the charge and the statement that confirms the order.
    const cutAfterCharge: PaymentGateway = {
      charge: async (request) => {
        const result = await gateway.charge(request);
        proxy!.cut();
        return result;
      },
      refund: (orderId) => gateway.refund(orderId),
      cancel: (orderId) => gateway.cancel(orderId),
    };
    const checkout = await context.start(
      { DATABASE_URL: await proxied(context.database.url), PENDING_ORDER_TIMEOUT: '1s' },
      cutAfterCharge,
    );
    const key = randomUUID();

    const response = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body).toMatchObject({ code: 'ORDER.PENDING', orderId: expect.any(String) });
    const { orderId } = response.body;
    // Whether the confirm committed could not be known, so the charge stands.
    expect(await gateway.chargeFor(orderId)).toMatchObject({ result: { approved: true }, refunded: false });
    expect(await context.database.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).toMatchObject({
      status: 'pending',
      paymentId: null,
    });

    proxy!.restore();
    await waitFor(
      'the reconciler to confirm the order',
      async () =>
        (await context.database.prisma.order.findUnique({ where: { id: orderId } }))?.status === 'confirmed',
      15_000,
    );
    // An earlier test's leftover row may come along: this order's event is among them, once.
    const events = await takeEventsFor(context.inspector, orderEventsQueue(context.prefix), [orderId]);
    expect(events.filter((event) => event.data.orderId === orderId)).toHaveLength(1);
    const retried = await postOrder(checkout.baseUrl, anOrderRequest(), { 'Idempotency-Key': key });
    expect(retried).toMatchObject({ status: 201, body: { id: orderId, status: 'confirmed' } });
    expect(await gateway.chargeFor(orderId)).toMatchObject({ refunded: false });
  });

  test('When RabbitMQ is unreachable, then orders are still accepted and every event is published once it is back', async () => {
    const checkout = await context.start({ AMQP_URL: await proxied(amqpUrl()) });
    await waitFor('checkout to connect to RabbitMQ', () => checkout.broker.connected);
    proxy!.cut();
    await waitFor('checkout to notice RabbitMQ is gone', () => !checkout.broker.connected);

    const accepted: string[] = [];
    for (let order = 0; order < 3; order++) {
      const response = await postOrder(checkout.baseUrl, anOrderRequest());
      expect(response.status).toBe(201);
      accepted.push(response.body.id);
    }
    const ready = await getJson(`${checkout.baseUrl}/readyz`);
    expect(ready).toMatchObject({ status: 503, body: { checks: { database: true, broker: false } } });
    expect(await context.inspector.depth(orderEventsQueue(context.prefix))).toBe(0);

    proxy!.restore();
    const events = await takeEventsFor(context.inspector, orderEventsQueue(context.prefix), accepted, 30_000);
    // An earlier test's leftover row may come along; each accepted order's event arrives once.
    const ours = events.filter((event) => accepted.includes(event.data.orderId));
    expect(ours.map((event) => event.data.orderId).sort()).toEqual([...accepted].sort());
    // The relay marks rows published after the broker's confirms, a moment after the events are queued.
    await waitFor(
      'every outbox row marked published',
      async () => (await context.database.prisma.outboxMessage.count({ where: { publishedAt: null } })) === 0,
    );
  });

  test('When two relays run against the same outbox, then each row is published exactly once', async () => {
    const config = loadCheckoutConfig(
      checkoutEnvironment({ DATABASE_URL: context.database.url, QUEUE_PREFIX: context.prefix }),
    );
    // Publishers only: each declares the shop topology, so events reach the fulfillment queues.
    const relays = await Promise.all(
      [1, 2].map(async (replica) => {
        const prisma: PrismaClient = createPrismaClient(context.database.url, { poolSize: 2 });
        const broker = await connectBroker(SHOP_REGISTRY, config, testLogger(), {
          connectionName: `${context.prefix}relay-${replica}`,
        });
        const relay = new OutboxRelay(prisma, broker, testLogger(), {
          table: 'checkout.outbox',
          pollMs: 20,
          batchSize: 5,
        });
        return { prisma, broker, relay };
      }),
    );
    const orderIds = Array.from({ length: 60 }, () => randomUUID());
    await context.database.prisma.outboxMessage.createMany({
      data: orderIds.map((orderId) => {
        const event = anEvent(orderId);
        return { id: event.id, type: event.type, payload: JSON.parse(JSON.stringify(event)) };
      }),
    });

    for (const { relay } of relays) relay.start();
    const events = await takeEventsFor(context.inspector, orderEventsQueue(context.prefix), orderIds);
    for (const { relay } of relays) await relay.stop();
    // Anything published twice would have arrived by now: both relays have stopped.
    for (const message of await context.inspector.drain(orderEventsQueue(context.prefix)))
      events.push(JSON.parse(message.content.toString()));

    expect(events).toHaveLength(orderIds.length);
    expect(new Set(events.map((event) => event.id)).size).toBe(orderIds.length);
    expect(relays.reduce((sum, { relay }) => sum + relay.publishedCount, 0)).toBe(orderIds.length);
    for (const { prisma, broker } of relays) {
      await broker.close();
      await prisma.$disconnect();
    }
  });
});

function anEvent(orderId: string) {
  return createEvent(
    OrderCompletedV1,
    {
      orderId,
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      items: [
        { sku: 'MUG-CLASSIC', name: 'Classic mug', quantity: 1, unitPriceCents: 1200, lineTotalCents: 1200 },
      ],
      totalCents: 1200,
      currency: 'EUR',
      paymentId: `pay_${orderId}`,
      placedAt: new Date().toISOString(),
    },
    { correlationId: orderId },
  );
}
