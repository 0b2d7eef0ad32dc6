import { shutdownDeadlineMs } from '@shared/core/config';
import { createLogger, type Logger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { exitOnStartupFailure, stopOnSignals } from '@shared/operations';
import { loadCheckoutConfig } from './config';
import { startCheckout } from './start-checkout';

/** The checkout process: config, logger, everything else (start-checkout.ts), shutdown. */
let logger: Logger | undefined;

async function main() {
  const config = loadCheckoutConfig();
  logger = createLogger('checkout', config.LOG_LEVEL, config.LOG_FORMAT);
  startTracing('checkout', config);
  const checkout = await startCheckout(config, logger, { onFatal: exitOnStartupFailure(logger) });
  stopOnSignals(logger, checkout.stop, shutdownDeadlineMs(config));
}

main().catch((error: unknown) => exitOnStartupFailure(logger)(error));
