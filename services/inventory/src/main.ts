import { loadConfig } from '@shared/core/config';
import { demoVariables, withDemoKnobs } from '@shared/core/demo';
import { createLogger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { consumerVariables, exitOnStartupFailure, serveConsumer } from '@shared/operations';
import { createPrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_MANIFEST, SHOP_REGISTRY } from '@shop/contracts/registry';
import { stockLedgerIn } from './data/stock-ledger';
import { reserveStockWhenOrderCompleted } from './handlers/reserve-stock-when-order-completed';
import { INVENTORY_API } from './http/inventory-api';
import { inventoryRoutes } from './http/inventory-routes';

/** The inventory service: moves stock for every completed order and serves stock levels. */
const config = loadConfig({ ...consumerVariables(SHOP_MANIFEST.inventory.port), ...demoVariables });
const logger = createLogger('inventory', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  startTracing('inventory', config);
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const stock = stockLedgerIn(prisma);
  await serveConsumer({
    registry: SHOP_REGISTRY,
    service: 'inventory',
    config,
    logger,
    db: prisma,
    errors: SHOP_ERRORS,
    api: INVENTORY_API,
    routes: inventoryRoutes(prisma),
    // The demo profile (SIMULATED_LATENCY_MS, FAILURE_RATE); a no-op unless set.
    handler: withDemoKnobs(config, (event, context) =>
      reserveStockWhenOrderCompleted(event, { ...context, stock }),
    ),
  });
}

main().catch(exitOnStartupFailure(logger));
