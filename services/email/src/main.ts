import { withDemoKnobs } from '@shared/core/demo';
import { createLogger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { exitOnStartupFailure, serveConsumer } from '@shared/operations';
import { createPrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { loadEmailConfig } from './config';
import { sentConfirmationsIn } from './data/sent-confirmations';
import { sendConfirmationWhenOrderCompleted } from './handlers/send-confirmation-when-order-completed';
import { sendEmailJob } from './handlers/send-email-jobs';
import { EMAIL_API } from './http/email-api';
import { createSmtpMailer } from './smtp/smtp-mailer';

/**
 * The email service: sends the order confirmation when an order completes;
 * then, as jobs of lower priority, the review request it scheduled, and the
 * recurring sales report.
 */
const config = loadEmailConfig();
const logger = createLogger('email', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  startTracing('email', config);
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  const mailer = createSmtpMailer({
    url: config.SMTP_URL,
    from: config.SMTP_FROM,
    connectTimeoutMs: config.SMTP_CONNECT_TIMEOUT_MS,
    sendTimeoutMs: config.SMTP_SEND_TIMEOUT_MS,
    maxConnections: config.PREFETCH,
  });
  const confirmations = sentConfirmationsIn(prisma);
  const messageIdDomain = config.SMTP_FROM.match(/@([^>\s]+)/)?.[1] ?? 'shop.example';
  // SMTP is left out of readiness on purpose: while it is down, messages wait
  // in the retry tiers, which is the behaviour we want, not a restart.
  await serveConsumer({
    registry: SHOP_REGISTRY,
    service: 'email',
    config,
    logger,
    db: prisma,
    errors: SHOP_ERRORS,
    api: EMAIL_API,
    // The demo profile (SIMULATED_LATENCY_MS, FAILURE_RATE); a no-op unless set.
    handler: withDemoKnobs(config, (event, context) =>
      sendConfirmationWhenOrderCompleted(event, {
        ...context,
        confirmations,
        mailer,
        receiptsBaseUrl: config.RECEIPTS_BASE_URL,
        messageIdDomain,
        reviewRequestDelayMs: config.REVIEW_REQUEST_DELAY,
      }),
    ),
    jobHandler: withDemoKnobs(config, (job, context) =>
      sendEmailJob(job, {
        ...context,
        mailer,
        messageIdDomain,
        analyticsUrl: config.ANALYTICS_URL,
        salesReportTo: config.SALES_REPORT_TO,
      }),
    ),
    onStop: () => mailer.close(),
  });
}

main().catch(exitOnStartupFailure(logger));
