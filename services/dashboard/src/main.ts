import { shutdownDeadlineMs } from '@shop/shared/config';
import { exitOnStartupFailure, stopOnSignals } from '@shop/shared/lifecycle';
import { createLogger, type Logger } from '@shop/shared/logging';
import { startTracing } from '@shop/shared/tracing';
import { loadDashboardConfig } from './config';
import { startDashboard } from './start-dashboard';

/** The dashboard process: config, logger, everything else (start-dashboard.ts), shutdown. */
let logger: Logger | undefined;

async function main() {
  const config = loadDashboardConfig();
  logger = createLogger('dashboard', config.LOG_LEVEL, config.LOG_FORMAT);
  startTracing('dashboard', config);
  const dashboard = await startDashboard(config, logger);
  stopOnSignals(logger, dashboard.stop, shutdownDeadlineMs(config));
}

main().catch((error: unknown) => exitOnStartupFailure(logger)(error));
