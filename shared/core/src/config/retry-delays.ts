import ms from 'ms';

/** One retry tier: a message that failed waits `delayMs` in the queue named after `label`. */
export interface RetryTier {
  /** As written in RETRY_DELAYS ("5s"); it names the tier's queue. */
  label: string;
  delayMs: number;
}

/** Milliseconds of a duration written like "500ms", "2s", "5m" or "24h"; NaN when it is not one. */
export function parseDuration(value: string): number {
  const trimmed = value.trim();
  return /^\d+(ms|s|m|h|d)$/.test(trimmed) ? ms(trimmed as ms.StringValue) : Number.NaN;
}

/**
 * Parses a RETRY_DELAYS value such as "1s,5s,25s,2m,10m" (or "200ms,2s" in
 * tests) into tiers. One tier per delay: a message gets `tiers + 1` attempts.
 * Returns an error message instead of throwing so config validation can name
 * the variable.
 */
export function parseRetryDelays(value: string): RetryTier[] | string {
  const labels = value
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);
  if (labels.length === 0) return 'expected at least one delay, e.g. "1s,5s,25s"';
  const tiers: RetryTier[] = [];
  for (const label of labels) {
    const delayMs = /^\d+(ms|s|m|h)$/.test(label) ? parseDuration(label) : Number.NaN;
    if (!Number.isFinite(delayMs) || delayMs <= 0) {
      return `"${label}" is not a delay; use a number with ms, s, m or h, e.g. 500ms or 2m`;
    }
    if (tiers.some((tier) => tier.label === label)) return `"${label}" appears twice`;
    tiers.push({ label, delayMs });
  }
  return tiers;
}
