import { shutdownDeadlineMs } from '@shared/core/config';
import { createLogger, type Logger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { exitOnStartupFailure, stopOnSignals } from '@shared/operations';
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
