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
import { recordOrderWhenOrderCompleted } from './handlers/record-order-when-order-completed';
import { summaryRoutes } from './http/summary-routes';

/** The analytics service: records one fact per completed order and serves a sales summary. */
const config = loadConfig({
  ...loggingVariables,
  ...databaseVariables,
  ...messagingVariables,
  ...httpVariables(3004),
  ...demoVariables,
});
const logger = createLogger('analytics', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const broker = await connectShopBroker(config, logger, {
    service: 'analytics',
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
    routes: summaryRoutes(prisma),
  });
  const server = await startHttpServer(app, config.PORT, logger);

  broker.subscribe(
    'analytics',
    OrderCompletedV1,
    withDemoKnobs(config, (event, context) =>
      recordOrderWhenOrderCompleted(event, { ...context, prisma, broker }),
    ),
    reportTaskOutcomes(broker, 'analytics', logger),
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
