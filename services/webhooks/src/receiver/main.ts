import { httpVariables, loadConfig, loggingVariables } from '@shop/shared/config';
import { startHttpServer } from '@shop/shared/http';
import { exitOnStartupFailure, stopOnSignals } from '@shop/shared/lifecycle';
import { createLogger } from '@shop/shared/logging';
import { z } from 'zod';
import { webhookSecret } from '../domain/webhook-signature';
import { receiverApp } from './receiver-app';

/**
 * A merchant's webhook endpoint for the demo and the tests: point the
 * webhooks service's WEBHOOK_URL at http://<host>:<PORT>/webhooks with the
 * same WEBHOOK_SECRET, and watch / (or GET /deliveries).
 */
const config = loadConfig({
  ...loggingVariables,
  ...httpVariables(3008),
  WEBHOOK_SECRET: webhookSecret,
  /** Answer every delivery with this status (a 503: the merchant is down) until DELETE /outage. */
  RECEIVER_FAIL_WITH: z.coerce.number().int().min(400).max(599).optional(),
});
const logger = createLogger('webhook-receiver', config.LOG_LEVEL, config.LOG_FORMAT);

async function main() {
  const app = receiverApp({ secret: config.WEBHOOK_SECRET, logger, failWith: config.RECEIVER_FAIL_WITH });
  const server = await startHttpServer(app, config.PORT, logger);
  stopOnSignals(logger, () => server.close(), 5_000);
}

main().catch(exitOnStartupFailure(logger));
