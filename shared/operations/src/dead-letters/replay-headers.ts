import { attemptAcrossRuns, HEADERS, withoutQueueCounters } from '@shared/messaging';
import type { MessageProperties } from 'amqplib';

/** Headers a replay writes, so a message that fails again still shows its earlier trip. */
export const REPLAY_HEADERS = {
  /** The error the message was parked with before this replay. */
  replayedAfterError: 'x-replayed-after-error',
  replayedAt: 'x-replayed-at',
  replayedBy: 'x-replayed-by',
} as const;

/**
 * The headers of a replayed message: everything the original carried
 * (correlation id, traceparent, custom headers) except the state of its
 * failed run. The run's attempt starts again at 1, so the retry tiers apply
 * from the first, as for a new delivery; the attempts already made move to
 * `x-prior-attempts`, so the outcome events go on numbering the order's
 * attempts (N+1, N+2...) instead of starting again.
 */
export function replayHeaders(
  headers: MessageProperties['headers'],
  actor: string,
  now: Date,
): Record<string, unknown> {
  const {
    [HEADERS.deadLetterReason]: _reason,
    [HEADERS.deadLetteredAt]: _deadLetteredAt,
    [HEADERS.deadLetteredBy]: _deadLetteredBy,
    [HEADERS.firstFailureAt]: _firstFailureAt,
    [HEADERS.lastError]: lastError,
    [HEADERS.lastErrorCode]: _lastErrorCode,
    ...kept
  } = withoutQueueCounters(headers);
  return {
    ...kept,
    [HEADERS.attempt]: 1,
    [HEADERS.priorAttempts]: attemptAcrossRuns(headers),
    [HEADERS.enqueuedAt]: now.getTime(),
    ...(lastError === undefined ? {} : { [REPLAY_HEADERS.replayedAfterError]: lastError }),
    [REPLAY_HEADERS.replayedAt]: now.toISOString(),
    [REPLAY_HEADERS.replayedBy]: actor,
  };
}
