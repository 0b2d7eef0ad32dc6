import type { Logger } from '@shared/core/logging';
import { createHttpApp, startHttpServer } from '@shared/http';
import type { Registry } from '@shared/messaging';
import { connectBroker, OutboxBacklog, OutboxRelay } from '@shared/messaging';
import { databaseAndBrokerReadiness } from '@shared/operations';
import { createPrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import type { CheckoutConfig } from './config';
import { Catalogue } from './data/catalogue';
import { fulfillmentTasksIn } from './data/fulfillment-tasks';
import { OrdersRepository } from './data/orders-repository';
import { classicInlineWork } from './demo/classic-checkout';
import { projectTaskOutcome } from './handlers/project-task-outcome';
import { checkoutApi } from './http/checkout-api';
import { checkoutHttpRoutes } from './http/checkout-http';
import { PendingOrderReconciler } from './jobs/pending-order-reconciler';
import type { PaymentGateway } from './payment/payment-gateway';
import { PostgresChargeLedger } from './payment/postgres-charge-ledger';
import { SimulatedPaymentGateway } from './payment/simulated-payment-gateway';

/** Documented in docs/http-api.md (413): an order is a few hundred bytes; 50 items fit with room to spare. */
export const BODY_LIMIT = '32kb';
const OUTBOX_TABLE = 'checkout.outbox';

export interface CheckoutOptions {
  payments?: PaymentGateway;
  /** Called when RabbitMQ holds a conflicting queue definition; main.ts exits with the explanation. */
  onFatal?: (error: Error) => void;
  /** The shop's registry; a test passes one with a consumer of its own. */
  registry?: Registry;
}

/**
 * The checkout process, wired in the order it starts: database, broker,
 * outbox relay, HTTP, consumers. Returns how to stop it in the reverse order.
 * main.ts runs it; tests and the benchmark start it in-process on port 0.
 */
export async function startCheckout(config: CheckoutConfig, logger: Logger, options: CheckoutOptions = {}) {
  const registry: Registry = options.registry ?? SHOP_REGISTRY;
  const tasks = registry.tasks.map(({ task }) => task);
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const payments =
    options.payments ??
    new SimulatedPaymentGateway(config.PAYMENT_LATENCY_MS, new PostgresChargeLedger(prisma));
  const orders = new OrdersRepository(prisma, tasks);
  const catalogue = new Catalogue(prisma, config.DATABASE_URL, logger.child({ component: 'catalogue' }));
  catalogue.start();

  // Orders are taken while RabbitMQ is down: the outbox holds their events until it is back.
  const broker = await connectBroker(registry, config, logger, {
    service: 'checkout',
    waitForConnection: false,
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
  });

  const relay = new OutboxRelay(prisma, broker, logger.child({ component: 'outbox-relay' }), {
    table: OUTBOX_TABLE,
    pollMs: config.OUTBOX_POLL_MS,
    batchSize: config.OUTBOX_BATCH_SIZE,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
  });
  if (config.OUTBOX_RELAY_ENABLED) relay.start();
  const backlog = new OutboxBacklog(prisma, OUTBOX_TABLE, config.OUTBOX_BACKLOG_LIMIT);
  const reconciler = new PendingOrderReconciler(
    { orders, payments, outbox: relay, log: logger.child({ component: 'reconciler' }) },
    config.PENDING_ORDER_TIMEOUT,
  );
  reconciler.start();

  const app = createHttpApp({
    logger,
    metricsToken: config.METRICS_TOKEN,
    bodyLimit: BODY_LIMIT,
    api: checkoutApi({ classicMode: config.CLASSIC_MODE_ENABLED }),
    errors: SHOP_ERRORS,
    retryAfterSeconds: config.RETRY_AFTER_SECONDS,
    readiness: databaseAndBrokerReadiness(prisma, broker),
    routes: checkoutHttpRoutes({
      orders: {
        orders,
        catalogue,
        payments,
        tasks,
        outbox: relay,
        backlog,
        ...(config.ORDER_RATE_LIMIT ? { orderRate: config.ORDER_RATE_LIMIT } : {}),
      },
      adminToken: config.ADMIN_TOKEN,
      trustProxy: config.TRUST_PROXY,
      // The demo's POST /classic/orders: the same order, then the classic checkout's wait.
      ...(config.CLASSIC_MODE_ENABLED ? { classic: classicInlineWork(registry.tasks) } : {}),
    }),
  });
  const http = await startHttpServer(app, config.PORT, logger);

  const projector = registry.entry('checkout');
  const fulfillmentTasks = fulfillmentTasksIn(prisma);
  broker.subscribe({
    service: projector.service,
    contracts: projector.consumes,
    handler: (event, context) => projectTaskOutcome(event, { ...context, registry, tasks: fulfillmentTasks }),
  });

  return {
    port: http.port,
    prisma,
    broker,
    relay,
    payments,
    async stop() {
      await http.close();
      await reconciler.stop();
      await relay.stop();
      await catalogue.stop();
      await broker.close();
      await prisma.$disconnect();
    },
  };
}

export type RunningCheckout = Awaited<ReturnType<typeof startCheckout>>;
