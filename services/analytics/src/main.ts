import { loadConfig } from '@shop/shared/config';
import { createPrismaClient } from '@shop/shared/database';
import { exitOnStartupFailure, fulfillmentVariables, serveFulfillmentService } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
import { recordOrderWhenOrderCompleted } from './handlers/record-order-when-order-completed';
import { summaryRoutes } from './http/summary-routes';

/** The analytics service: records one fact per completed order and serves a sales summary. */
const config = loadConfig(fulfillmentVariables(3004));
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
