import { loadConfig } from '@shop/shared/config';
import { createPrismaClient } from '@shop/shared/database';
import { exitOnStartupFailure, fulfillmentVariables, serveFulfillmentService } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
import { reserveStockWhenOrderCompleted } from './handlers/reserve-stock-when-order-completed';
import { inventoryRoutes } from './http/inventory-routes';

/** The inventory service: moves stock for every completed order and serves stock levels. */
const config = loadConfig(fulfillmentVariables(3003));
const logger = createLogger('inventory', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  await serveFulfillmentService({
    service: 'inventory',
    config,
    logger,
    prisma,
    routes: inventoryRoutes(prisma),
    handle: (event, context) => reserveStockWhenOrderCompleted(event, { ...context, prisma }),
  });
}

main().catch(exitOnStartupFailure(logger));
