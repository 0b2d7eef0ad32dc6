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
import { z } from 'zod';
import { ReceiptFiles } from './data/receipt-files';
import { generateReceiptWhenOrderCompleted } from './handlers/generate-receipt-when-order-completed';
import { receiptRoutes } from './http/receipt-routes';

/** The pdf service: renders a receipt per completed order and serves it over HTTP. */
const config = loadConfig({
  ...loggingVariables,
  ...databaseVariables,
  ...messagingVariables,
  ...httpVariables(3002),
  ...demoVariables,
  RECEIPTS_DIR: z.string().min(1).default('./receipts'),
  /** The public address of this service, for the absolute URL in pdf.receipt.generated. */
  RECEIPTS_BASE_URL: z.url().default('http://localhost:3002'),
});
const logger = createLogger('pdf', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  const files = new ReceiptFiles(config.RECEIPTS_DIR);
  await files.ensureDirectory();
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const broker = await connectShopBroker(config, logger, {
    service: 'pdf',
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
    routes: receiptRoutes(files),
  });
  const server = await startHttpServer(app, config.PORT, logger);

  const deps = { prisma, files, broker, receiptsBaseUrl: config.RECEIPTS_BASE_URL };
  broker.subscribe(
    'pdf',
    OrderCompletedV1,
    withDemoKnobs(config, (event, context) =>
      generateReceiptWhenOrderCompleted(event, { ...deps, ...context }),
    ),
    reportTaskOutcomes(broker, 'pdf', logger),
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
