import type { MetricsReading } from '../sources/service-metrics';

/** A reading of one service's metrics with the depth of its work queue at the same moment. */
export interface Reading extends MetricsReading {
  workDepth: number | null;
}

/** Per second, between two readings. */
export interface RatePoint {
  at: number;
  /** Deliveries into the work queue: every handled or failed attempt, plus what the queue grew by. */
  in: number;
  out: number;
}

export interface WindowStats {
  p50Seconds: number | null;
  p99Seconds: number | null;
  /** Failed attempts over all attempts; null when there were none. */
  errorRate: number | null;
  ordersPerMinute: number | null;
}

/** Messages in and out per second between two readings of one service. */
export function ratesBetween(before: Reading, after: Reading): RatePoint {
  const seconds = (after.at - before.at) / 1000;
  const handled = Math.max(0, after.handled - before.handled);
  const failed = Math.max(0, after.failed - before.failed);
  const grown =
    after.workDepth !== null && before.workDepth !== null ? after.workDepth - before.workDepth : 0;
  return {
    at: after.at,
    in: Math.max(0, (handled + failed + grown) / seconds),
    out: handled / seconds,
  };
}

/**
 * Latency quantiles, error rate and orders per minute over a window: the
 * difference between the newest reading and the oldest one in the window,
 * so the numbers describe the last minute, not the life of the process.
 */
export function windowStats(first: Reading, last: Reading): WindowStats {
  const attempts = last.handled - first.handled + (last.failed - first.failed);
  const buckets = last.durations.map(({ le, count }) => ({
    le,
    count: count - (first.durations.find((bucket) => bucket.le === le)?.count ?? 0),
  }));
  const minutes = (last.at - first.at) / 60_000;
  const ordersPlaced =
    last.ordersPlaced !== null && first.ordersPlaced !== null ? last.ordersPlaced - first.ordersPlaced : null;
  return {
    p50Seconds: histogramQuantile(0.5, buckets),
    p99Seconds: histogramQuantile(0.99, buckets),
    errorRate: attempts > 0 ? (last.failed - first.failed) / attempts : null,
    ordersPerMinute: ordersPlaced !== null && minutes > 0 ? ordersPlaced / minutes : null,
  };
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside the
 * bucket where it falls, as Prometheus's histogram_quantile does
 * (https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile).
 * Null without observations.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of sorted) {
    if (count >= rank) {
      // Above the highest finite bound nothing is known: answer that bound.
      if (!Number.isFinite(le)) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket > 0 ? lowerBound + (le - lowerBound) * ((rank - lowerCount) / inBucket) : le;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
