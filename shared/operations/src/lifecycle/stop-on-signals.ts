import type { Logger } from '@shared/core/logging';
import { stopTracing } from '@shared/core/tracing';

/**
 * Runs `stop` once on SIGTERM or SIGINT, sends the spans still buffered,
 * then exits 0; exits 1 if stopping fails or takes longer than `timeoutMs`.
 * `stop` should stop accepting work, let in-flight work finish and close
 * connections, in that order.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    stop()
      .then(stopTracing)
      .then(
        () => {
          logger.info('stopped cleanly');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Logs a start-up failure (a ConfigError names its variables) and exits 1. */
export function exitOnStartupFailure(logger: Logger | undefined) {
  return (error: unknown) => {
    if (logger) logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
    else console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  };
}
