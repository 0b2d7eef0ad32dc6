import { createPrismaClient } from '@shop/shared/database';
import { connectPerRequest, createAdminRoutes } from '@shop/shared/dead-letters';
import { FULFILLMENT_OUTCOMES } from '@shop/shared/events';
import { createHttpApp, startHttpServer } from '@shop/shared/http';
import { databaseAndBrokerReadiness } from '@shop/shared/lifecycle';
import type { Logger } from '@shop/shared/logging';
import { connectShopBroker, shopTopology } from '@shop/shared/messaging';
import type { CheckoutConfig } from './config';
import { OrdersRepository } from './data/orders-repository';
import { projectTaskOutcome } from './handlers/project-task-outcome';
import { checkoutRoutes } from './http/checkout-routes';
import { STATUS_OF } from './http/status-of';
import { OutboxBacklog } from './outbox/outbox-backlog';
import { OutboxRelay } from './outbox/outbox-relay';
import type { PaymentGateway } from './payment/payment-gateway';
import { SimulatedPaymentGateway } from './payment/simulated-payment-gateway';

/** Documented in the README: an order is a few hundred bytes; 50 items fit with room to spare. */
export const BODY_LIMIT = '32kb';

/**
 * The checkout process, wired in the order it starts: database, broker,
 * outbox relay, HTTP, consumers. Returns how to stop it in the reverse order.
 * main.ts runs it; tests and the benchmark start it in-process on port 0.
 */
export async function startCheckout(
  config: CheckoutConfig,
  logger: Logger,
  payments: PaymentGateway = new SimulatedPaymentGateway(config.PAYMENT_LATENCY_MS),
  /** Called when RabbitMQ holds a conflicting queue definition; main.ts exits with the explanation. */
  onFatal?: (error: Error) => void,
) {
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const orders = new OrdersRepository(prisma);

  // Orders are taken while RabbitMQ is down: the outbox holds their events until it is back.
  const broker = await connectShopBroker(config, logger, {
    service: 'checkout',
    waitForConnection: false,
    ...(onFatal ? { onFatal } : {}),
  });

  const relay = new OutboxRelay(prisma, broker, logger.child({ component: 'outbox-relay' }), {
    pollMs: config.OUTBOX_POLL_MS,
    batchSize: config.OUTBOX_BATCH_SIZE,
  });
  if (config.OUTBOX_RELAY_ENABLED) relay.start();
  const backlog = new OutboxBacklog(prisma, config.OUTBOX_BACKLOG_LIMIT);

  const app = createHttpApp({
    logger,
    bodyLimit: BODY_LIMIT,
    statusOf: STATUS_OF,
    readiness: databaseAndBrokerReadiness(prisma, broker),
    routes: (app) => {
      // The operators' dead-letter API (docs/dead-letters.md); off without ADMIN_TOKEN.
      const deadLetters = connectPerRequest({ url: config.AMQP_URL, topology: shopTopology(config), prisma });
      app.use(createAdminRoutes(deadLetters, config.ADMIN_TOKEN));
      checkoutRoutes({
        orders,
        payments,
        eventCommitted: () => relay.notify(),
        backlog,
        retryAfterSeconds: config.RETRY_AFTER_SECONDS,
        classicModeEnabled: config.CLASSIC_MODE_ENABLED,
      })(app);
    },
  });
  const http = await startHttpServer(app, config.PORT, logger);

  broker.subscribe('checkout', FULFILLMENT_OUTCOMES, (event, { log }) =>
    projectTaskOutcome(event, { prisma, log }),
  );

  return {
    port: http.port,
    prisma,
    broker,
    relay,
    payments,
    async stop() {
      await http.close();
      await relay.stop();
      await broker.close();
      await prisma.$disconnect();
    },
  };
}

export type RunningCheckout = Awaited<ReturnType<typeof startCheckout>>;
