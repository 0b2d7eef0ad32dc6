import { shutdownDeadlineMs } from '@shared/core/config';
import { createLogger, type Logger } from '@shared/core/logging';
import { startTracing } from '@shared/core/tracing';
import { exitOnStartupFailure, stopOnSignals } from '@shared/operations';
import { loadOperationsConfig } from './config';
import { startOperations } from './start-operations';

/** The operations process: config, logger, everything else (start-operations.ts), shutdown. */
let logger: Logger | undefined;

async function main() {
  const config = loadOperationsConfig();
  logger = createLogger('operations', config.LOG_LEVEL, config.LOG_FORMAT);
  startTracing('operations', config);
  const operations = await startOperations(config, logger, { onFatal: exitOnStartupFailure(logger) });
  stopOnSignals(logger, operations.stop, shutdownDeadlineMs(config));
}

main().catch((error: unknown) => exitOnStartupFailure(logger)(error));
