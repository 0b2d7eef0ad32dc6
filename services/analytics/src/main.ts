import {
  databaseVariables,
  httpVariables,
  loadConfig,
  loggingVariables,
  messagingVariables,
} from '@shop/shared/config';
import { createPrismaClient } from '@shop/shared/database';
import { exitOnStartupFailure, serveFulfillmentService } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
import { demoVariables } from '@shop/shared/messaging';
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
  await serveFulfillmentService({
    service: 'analytics',
    config,
    logger,
    prisma,
    routes: summaryRoutes(prisma),
    handle: (event, context) => recordOrderWhenOrderCompleted(event, { ...context, prisma }),
  });
}

main().catch(exitOnStartupFailure(logger));
