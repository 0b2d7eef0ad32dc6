import { isRetryable } from '@shared/core/errors';
import type { DeadLetterReason } from './headers';
import type { RetryQueue } from './topology';

export type FailureOutcome =
  | { action: 'retry'; queue: RetryQueue; nextAttempt: number }
  | { action: 'dead-letter'; reason: DeadLetterReason };

/**
 * What happens to a message whose handler failed on attempt `attempt` (1-based).
 * Attempt n waits in tier n before attempt n + 1, so delays grow with each
 * tier, and a message gets `tiers + 1` attempts in all before it is parked.
 */
export function decideAfterFailure(
  error: unknown,
  attempt: number,
  retryQueues: RetryQueue[],
): FailureOutcome {
  if (!isRetryable(error)) return { action: 'dead-letter', reason: 'permanent-error' };
  const queue = retryQueues[attempt - 1];
  if (!queue) return { action: 'dead-letter', reason: 'retries-exhausted' };
  return { action: 'retry', queue, nextAttempt: attempt + 1 };
}
