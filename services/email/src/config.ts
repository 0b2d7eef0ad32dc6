import { duration, loadConfig } from '@shared/core/config';
import { demoVariables } from '@shared/core/demo';
import { consumerVariables } from '@shared/operations';
import { SHOP_MANIFEST } from '@shop/contracts/registry';
import { z } from 'zod';

export type EmailConfig = ReturnType<typeof loadEmailConfig>;

export function loadEmailConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...consumerVariables(SHOP_MANIFEST.email.port),
      ...demoVariables,
      SMTP_URL: z
        .string()
        .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
        .default('smtp://localhost:1025'),
      SMTP_FROM: z.string().default('Shop <orders@shop.example>'),
      /** Connecting and the server's greeting; an unreachable server fails the attempt this fast. */
      SMTP_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
      /** The whole send, up to the server's 250; must stay below HANDLER_TIMEOUT_MS. */
      SMTP_SEND_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
      /** Where the pdf service serves receipts; the email links to it. */
      RECEIPTS_BASE_URL: z.url().default('http://localhost:3002'),
      /** How long after an order its customer is asked for a review (a delayed job). */
      REVIEW_REQUEST_DELAY: duration('24h'),
      /** Who receives the recurring sales report (its schedule: SALES_REPORT_CRON). */
      SALES_REPORT_TO: z.email().default('ops@shop.example'),
      /** Where the sales report reads its numbers. */
      ANALYTICS_URL: z.url().default(`http://localhost:${SHOP_MANIFEST.analytics.port}`),
    },
    source,
    (config) =>
      config.SMTP_SEND_TIMEOUT_MS < config.HANDLER_TIMEOUT_MS
        ? []
        : [
            `SMTP_SEND_TIMEOUT_MS: must be below HANDLER_TIMEOUT_MS (${config.HANDLER_TIMEOUT_MS}), so a send has ended before its attempt is given up`,
          ],
  );
}
