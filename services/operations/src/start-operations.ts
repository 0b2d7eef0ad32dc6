import type { Logger } from '@shared/core/logging';
import { createHttpApp, startHttpServer } from '@shared/http';
import type { Registry } from '@shared/messaging';
import { connectBroker } from '@shared/messaging';
import {
  ConsumerControls,
  DeadLetterStore,
  DeadLetters,
  databaseAndBrokerReadiness,
  ScheduledJobs,
} from '@shared/operations';
import { createPrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import type { OperationsConfig } from './config';
import { OPERATIONS_API } from './http/operations-api';
import { operationsHttpRoutes } from './http/operations-http';

/** The request body limit: the same as checkout's, where these routes were served before. */
const BODY_LIMIT = '32kb';
/** The dead-letter store's tables (prisma/schema.prisma's DeadLetter and DeadLetterAction). */
const DEAD_LETTER_TABLES = {
  deadLetters: 'operations.dead_letters',
  audit: 'operations.dead_letter_actions',
};

export interface OperationsOptions {
  /** Called when RabbitMQ holds a conflicting queue definition; main.ts exits with the explanation. */
  onFatal?: (error: Error) => void;
  /** The shop's registry; a test passes one with a consumer of its own. */
  registry?: Registry;
}

/**
 * The operations process, wired in the order it starts: database, broker,
 * the dead-letter drain, HTTP. Returns how to stop it in the reverse order.
 * main.ts runs it; tests start it in-process on port 0.
 */
export async function startOperations(
  config: OperationsConfig,
  logger: Logger,
  options: OperationsOptions = {},
) {
  const registry: Registry = options.registry ?? SHOP_REGISTRY;
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  // It consumes no work queue of its own; it reads every service's DLQ, and counts their queues.
  const broker = await connectBroker(registry, config, logger, {
    waitForConnection: false,
    connectionName: `operations#${process.pid}`,
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
  });

  // The broker stops the drain when it closes.
  // Every service's DLQ drains into the store; operators act on the store's rows.
  const deadLetters = new DeadLetters(
    broker,
    new DeadLetterStore(prisma, DEAD_LETTER_TABLES),
    registry.subject.key,
  );
  deadLetters.startDrain(logger.child({ component: 'dead-letter-drain' }));
  deadLetters.reportMetrics();

  const app = createHttpApp({
    logger,
    metricsToken: config.METRICS_TOKEN,
    bodyLimit: BODY_LIMIT,
    api: OPERATIONS_API,
    errors: SHOP_ERRORS,
    readiness: databaseAndBrokerReadiness(prisma, broker),
    routes: operationsHttpRoutes({
      deadLetters,
      consumers: {
        controls: new ConsumerControls(prisma),
        jobs: new ScheduledJobs(prisma, registry.subject.key),
        broker,
        // Every consumer the runtime runs; checkout's projector is not paused from here.
        services: registry.entries
          .map(({ service }) => service)
          .filter((service) => service !== registry.spec.projector?.service),
      },
      adminToken: config.ADMIN_TOKEN,
    }),
  });
  const http = await startHttpServer(app, config.PORT, logger);

  return {
    port: http.port,
    prisma,
    broker,
    deadLetters,
    async stop() {
      await http.close();
      await broker.close();
      await prisma.$disconnect();
    },
  };
}

export type RunningOperations = Awaited<ReturnType<typeof startOperations>>;
