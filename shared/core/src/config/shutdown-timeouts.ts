/**
 * What an attempt's transactions may outlast its handler timeout by: time to
 * commit or roll back once the handler returns. Every attempt has ended, its
 * effects committed or rolled back, within HANDLER_TIMEOUT_MS plus this.
 */
export const TRANSACTION_GRACE_MS = 5_000;
/** What a process may take to close its connections once its stop has waited for its deliveries. */
const CLOSE_GRACE_MS = 5_000;

interface ShutdownSettings {
  HANDLER_TIMEOUT_MS: number;
  SHUTDOWN_TIMEOUT_MS?: number | undefined;
}

/**
 * How long a stop waits for the deliveries in progress: SHUTDOWN_TIMEOUT_MS,
 * or as long as an attempt can last. Waiting less would hand back to the
 * queue a message whose handler may still be sending an email, which another
 * replica would then send again.
 */
export function shutdownTimeoutMs(config: ShutdownSettings): number {
  return config.SHUTDOWN_TIMEOUT_MS ?? config.HANDLER_TIMEOUT_MS + TRANSACTION_GRACE_MS;
}

/**
 * When a process exits after SIGTERM whatever happens (stopOnSignals): the
 * stop's wait and 5 s to close. The platform's grace period must be longer
 * (Kubernetes `terminationGracePeriodSeconds`, after any preStop; compose's
 * `stop_grace_period`), or it kills the process mid-send.
 */
export function shutdownDeadlineMs(config: ShutdownSettings): number {
  return shutdownTimeoutMs(config) + CLOSE_GRACE_MS;
}
