import { loadConfig } from '@shared/core/config';
import { demoVariables } from '@shared/core/demo';
import { consumerVariables } from '@shared/operations';
import { SHOP_MANIFEST } from '@shop/contracts/registry';
import { z } from 'zod';
import { webhookSecret } from './domain/webhook-signature';

export type WebhooksConfig = ReturnType<typeof loadWebhooksConfig>;

export function loadWebhooksConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...consumerVariables(SHOP_MANIFEST.webhooks.port),
      ...demoVariables,
      /** The merchant's endpoint; every completed order is POSTed to it. */
      WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
      /** The secret shared with the merchant, whsec_ and base64 (Standard Webhooks). */
      WEBHOOK_SECRET: webhookSecret,
      /** One POST, connecting included; must stay below HANDLER_TIMEOUT_MS. */
      WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    },
    source,
    (config) =>
      config.WEBHOOK_TIMEOUT_MS < config.HANDLER_TIMEOUT_MS
        ? []
        : [
            `WEBHOOK_TIMEOUT_MS: must be below HANDLER_TIMEOUT_MS (${config.HANDLER_TIMEOUT_MS}), so a POST has ended before its attempt is given up`,
          ],
  );
}
