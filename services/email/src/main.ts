import { loadConfig } from '@shop/shared/config';
import { createPrismaClient } from '@shop/shared/database';
import { exitOnStartupFailure, fulfillmentVariables, serveFulfillmentService } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
import { z } from 'zod';
import { sendConfirmationWhenOrderCompleted } from './handlers/send-confirmation-when-order-completed';
import { createSmtpMailer } from './smtp/smtp-mailer';

/** The email service: sends the order confirmation when an order completes. */
const config = loadConfig({
  ...fulfillmentVariables(3001),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .default('smtp://localhost:1025'),
  SMTP_FROM: z.string().default('Shop <orders@shop.example>'),
  SMTP_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Where the pdf service serves receipts; the email links to it. */
  RECEIPTS_BASE_URL: z.url().default('http://localhost:3002'),
});
const logger = createLogger('email', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const mailer = createSmtpMailer({
    url: config.SMTP_URL,
    from: config.SMTP_FROM,
    timeoutMs: config.SMTP_TIMEOUT_MS,
    maxConnections: config.PREFETCH,
  });
  // SMTP is left out of readiness on purpose: while it is down, messages wait
  // in the retry tiers, which is the behaviour we want, not a restart.
  await serveFulfillmentService({
    service: 'email',
    config,
    logger,
    prisma,
    handle: (event, context) =>
      sendConfirmationWhenOrderCompleted(event, {
        ...context,
        prisma,
        mailer,
        receiptsBaseUrl: config.RECEIPTS_BASE_URL,
        messageIdDomain: config.SMTP_FROM.match(/@([^>\s]+)/)?.[1] ?? 'shop.example',
        transactionTimeoutMs: config.HANDLER_TIMEOUT_MS,
      }),
    onStop: () => mailer.close(),
  });
}

main().catch(exitOnStartupFailure(logger));
