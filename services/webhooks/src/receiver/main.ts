import { httpVariables, loadConfig, loggingVariables } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import { startHttpServer } from '@shared/http';
import { exitOnStartupFailure, stopOnSignals } from '@shared/operations';
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
