import { loadConfig } from '@shop/shared/config';
import { createPrismaClient } from '@shop/shared/database';
import { exitOnStartupFailure, fulfillmentVariables, serveFulfillmentService } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
import { z } from 'zod';
import { ReceiptFiles } from './data/receipt-files';
import { generateReceiptWhenOrderCompleted } from './handlers/generate-receipt-when-order-completed';
import { receiptRoutes } from './http/receipt-routes';

/** The pdf service: renders a receipt per completed order and serves it over HTTP. */
const config = loadConfig({
  ...fulfillmentVariables(3002),
  RECEIPTS_DIR: z.string().min(1).default('./receipts'),
  /** The public address of this service, for the absolute URL in pdf.receipt.generated. */
  RECEIPTS_BASE_URL: z.url().default('http://localhost:3002'),
});
const logger = createLogger('pdf', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  const files = new ReceiptFiles(config.RECEIPTS_DIR);
  await files.ensureDirectory();
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  await serveFulfillmentService({
    service: 'pdf',
    config,
    logger,
    prisma,
    routes: receiptRoutes(files),
    handle: (event, context) =>
      generateReceiptWhenOrderCompleted(event, {
        ...context,
        prisma,
        files,
        receiptsBaseUrl: config.RECEIPTS_BASE_URL,
      }),
  });
}

main().catch(exitOnStartupFailure(logger));
