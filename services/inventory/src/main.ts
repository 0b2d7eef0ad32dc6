import {
  databaseVariables,
  httpVariables,
  loadConfig,
  loggingVariables,
  messagingVariables,
} from '@shop/shared/config';
import { createPrismaClient } from '@shop/shared/database';
import { OrderCompletedV1 } from '@shop/shared/events';
import { createHttpApp, startHttpServer } from '@shop/shared/http';
import { exitOnStartupFailure, stopOnSignals } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
import { connectShopBroker, demoVariables, reportTaskOutcomes, withDemoKnobs } from '@shop/shared/messaging';
import { reserveStockWhenOrderCompleted } from './handlers/reserve-stock-when-order-completed';
import { inventoryRoutes } from './http/inventory-routes';

/** The inventory service: moves stock for every completed order and serves stock levels. */
const config = loadConfig({
  ...loggingVariables,
  ...databaseVariables,
  ...messagingVariables,
  ...httpVariables(3003),
  ...demoVariables,
});
const logger = createLogger('inventory', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const broker = await connectShopBroker(config, logger, {
    service: 'inventory',
    onFatal: exitOnStartupFailure(logger),
  });

  const app = createHttpApp({
    logger,
    readiness: async () => ({
      database: await prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
      broker: broker.connected,
    }),
    routes: inventoryRoutes(prisma),
  });
  const server = await startHttpServer(app, config.PORT, logger);

  broker.subscribe(
    'inventory',
    OrderCompletedV1,
    withDemoKnobs(config, (event, context) =>
      reserveStockWhenOrderCompleted(event, { ...context, prisma, broker }),
    ),
    reportTaskOutcomes(broker, 'inventory', logger),
  );

  stopOnSignals(
    logger,
    async () => {
      await server.close();
      await broker.close();
      await prisma.$disconnect();
    },
    config.SHUTDOWN_TIMEOUT_MS + 5_000,
  );
}

main().catch(exitOnStartupFailure(logger));
