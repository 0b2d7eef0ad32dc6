import { loadConfig } from '@shared/core/config';
import { demoVariables, withDemoKnobs } from '@shared/core/demo';
import { createLogger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { consumerVariables, exitOnStartupFailure, serveConsumer } from '@shared/operations';
import { createPrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_MANIFEST, SHOP_REGISTRY } from '@shop/contracts/registry';
import { orderFactsIn } from './data/order-facts';
import { recordOrderWhenOrderCompleted } from './handlers/record-order-when-order-completed';
import { ANALYTICS_API } from './http/analytics-api';
import { summaryRoutes } from './http/summary-routes';

/** The analytics service: records one fact per completed order and serves a sales summary. */
const config = loadConfig({ ...consumerVariables(SHOP_MANIFEST.analytics.port), ...demoVariables });
const logger = createLogger('analytics', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  startTracing('analytics', config);
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const facts = orderFactsIn(prisma);
  await serveConsumer({
    registry: SHOP_REGISTRY,
    service: 'analytics',
    config,
    logger,
    db: prisma,
    errors: SHOP_ERRORS,
    api: ANALYTICS_API,
    routes: summaryRoutes(prisma),
    // The demo profile (SIMULATED_LATENCY_MS, FAILURE_RATE); a no-op unless set.
    handler: withDemoKnobs(config, (event, context) =>
      recordOrderWhenOrderCompleted(event, { ...context, facts }),
    ),
  });
}

main().catch(exitOnStartupFailure(logger));
