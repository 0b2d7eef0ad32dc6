import { loadConfig } from '@shared/core/config';
import { demoVariables, withDemoKnobs } from '@shared/core/demo';
import { createLogger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { consumerVariables, exitOnStartupFailure, serveConsumer } from '@shared/operations';
import { createPrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_MANIFEST, SHOP_REGISTRY } from '@shop/contracts/registry';
import { z } from 'zod';
import { ReceiptFiles } from './data/receipt-files';
import { receiptRecords } from './data/receipts';
import { DEFAULT_VAT_RATE } from './domain/included-vat';
import { generateReceiptWhenOrderCompleted } from './handlers/generate-receipt-when-order-completed';
import { PDF_API } from './http/pdf-api';
import { receiptRoutes } from './http/receipt-routes';

/** The pdf service: renders a receipt per completed order and serves it over HTTP. */
const config = loadConfig({
  ...consumerVariables(SHOP_MANIFEST.pdf.port),
  ...demoVariables,
  RECEIPTS_DIR: z.string().min(1).default('./receipts'),
  /** The public address of this service, for the absolute URL in pdf.receipt.generated. */
  RECEIPTS_BASE_URL: z.url().default('http://localhost:3002'),
  /** The VAT rate the shop's prices include, printed on the receipt with the VAT it amounts to. */
  RECEIPT_VAT_RATE: z.coerce.number().min(0).max(1).default(DEFAULT_VAT_RATE),
});
const logger = createLogger('pdf', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  startTracing('pdf', config);
  const files = new ReceiptFiles(config.RECEIPTS_DIR);
  await files.ensureDirectory();
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  await serveConsumer({
    registry: SHOP_REGISTRY,
    service: 'pdf',
    config,
    logger,
    db: prisma,
    errors: SHOP_ERRORS,
    api: PDF_API,
    routes: receiptRoutes(files),
    // The demo profile (SIMULATED_LATENCY_MS, FAILURE_RATE); a no-op unless set.
    handler: withDemoKnobs(config, (event, context) =>
      generateReceiptWhenOrderCompleted(event, {
        ...context,
        files,
        receipts: receiptRecords,
        receiptsBaseUrl: config.RECEIPTS_BASE_URL,
        vatRate: config.RECEIPT_VAT_RATE,
      }),
    ),
  });
}

main().catch(exitOnStartupFailure(logger));
