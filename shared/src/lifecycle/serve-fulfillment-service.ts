import { databaseVariables, httpVariables, loggingVariables, messagingVariables } from '../config';
import type { PrismaClient } from '../database';
import { type EventOf, type FulfillmentService, OrderCompletedV1 } from '../events';
import { createHttpApp, type HttpAppOptions, startHttpServer } from '../http';
import type { Logger } from '../logging';
import {
  type Broker,
  connectShopBroker,
  type DemoKnobs,
  demoVariables,
  type HandlerContext,
  type MessagingConfig,
  reportTaskOutcomes,
  withDemoKnobs,
} from '../messaging';
import { exitOnStartupFailure, stopOnSignals } from './stop-on-signals';

/** The environment every fulfillment service reads; a service adds its own variables beside these. */
export const fulfillmentVariables = (defaultPort: number) => ({
  ...loggingVariables,
  ...databaseVariables,
  ...messagingVariables,
  ...httpVariables(defaultPort),
  ...demoVariables,
});

export interface FulfillmentServiceOptions {
  service: FulfillmentService;
  config: MessagingConfig & DemoKnobs & { PORT: number };
  logger: Logger;
  prisma: PrismaClient;
  /** The service's own routes, besides /healthz, /readyz and /metrics. */
  routes?: HttpAppOptions['routes'];
  /** What the service does for one OrderCompleted; it publishes its success event through `broker`. */
  handle: (
    event: EventOf<typeof OrderCompletedV1>,
    context: HandlerContext & { broker: Broker },
  ) => Promise<void>;
  /** Closes the service's own resources (an SMTP pool...) after consuming has stopped. */
  onStop?: () => void | Promise<void>;
}

/**
 * What the four fulfillment services share once they have their config,
 * logger and database: the broker connection (a conflicting queue stops the
 * process), HTTP with readiness, the OrderCompleted subscription with the
 * demo knobs and outcome reports, and an orderly stop on SIGTERM: HTTP, then
 * consuming (in-flight messages finish), then the service's own resources,
 * then the database.
 */
export async function serveFulfillmentService(options: FulfillmentServiceOptions): Promise<void> {
  const { service, config, logger, prisma } = options;
  const broker = await connectShopBroker(config, logger, { service, onFatal: exitOnStartupFailure(logger) });

  const app = createHttpApp({
    logger,
    readiness: databaseAndBrokerReadiness(prisma, broker),
    routes: options.routes ?? (() => {}),
  });
  const server = await startHttpServer(app, config.PORT, logger);

  broker.subscribe(
    service,
    OrderCompletedV1,
    withDemoKnobs(config, (event, context) => options.handle(event, { ...context, broker })),
    reportTaskOutcomes(broker, service, logger),
  );

  stopOnSignals(
    logger,
    async () => {
      await server.close();
      await broker.close();
      await options.onStop?.();
      await prisma.$disconnect();
    },
    config.SHUTDOWN_TIMEOUT_MS + 5_000,
  );
}

/** /readyz for a process that needs its database and RabbitMQ. */
export function databaseAndBrokerReadiness(prisma: PrismaClient, broker: Broker) {
  return async () => ({
    database: await prisma.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    ),
    broker: broker.connected,
  });
}
