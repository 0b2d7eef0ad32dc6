import { withDemoKnobs } from '@shared/core/demo';
import { createLogger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { exitOnStartupFailure, serveConsumer } from '@shared/operations';
import { createPrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { loadWebhooksConfig } from './config';
import { createWebhookClient } from './delivery/webhook-client';
import { deliverWebhookWhenOrderCompleted } from './handlers/deliver-webhook-when-order-completed';
import { WEBHOOKS_API } from './http/webhooks-api';

/** The webhooks service: POSTs every completed order, signed, to the merchant's endpoint. */
const config = loadWebhooksConfig();
const logger = createLogger('webhooks', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  startTracing('webhooks', config);
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const webhooks = createWebhookClient({
    url: config.WEBHOOK_URL,
    secret: config.WEBHOOK_SECRET,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  });
  // The endpoint is left out of readiness on purpose: while it is down, orders wait in the
  // retry tiers and then the dead-letter queue, for an operator to replay; a restart fixes nothing.
  await serveConsumer({
    registry: SHOP_REGISTRY,
    service: 'webhooks',
    config,
    logger,
    db: prisma,
    errors: SHOP_ERRORS,
    api: WEBHOOKS_API,
    // The demo profile (SIMULATED_LATENCY_MS, FAILURE_RATE); a no-op unless set.
    handler: withDemoKnobs(config, (event, context) =>
      deliverWebhookWhenOrderCompleted(event, { ...context, prisma, webhooks }),
    ),
  });
}

main().catch(exitOnStartupFailure(logger));
