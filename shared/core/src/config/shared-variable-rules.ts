import { TRANSACTION_GRACE_MS } from './shutdown-timeouts';

/**
 * Rules between the shared variables, checked by `loadConfig` wherever a
 * process reads them together; each problem as "NAME: what is wrong".
 */
export function sharedVariableRules(config: Record<string, unknown>): string[] {
  const { HANDLER_TIMEOUT_MS: handler, SHUTDOWN_TIMEOUT_MS: shutdown } = config;
  if (typeof handler !== 'number' || typeof shutdown !== 'number') return [];
  const least = handler + TRANSACTION_GRACE_MS;
  return shutdown >= least
    ? []
    : [
        `SHUTDOWN_TIMEOUT_MS: must be at least HANDLER_TIMEOUT_MS + ${TRANSACTION_GRACE_MS / 1000} s (${least}), so a stop outlasts every attempt in progress; unset, it is that`,
      ];
}
