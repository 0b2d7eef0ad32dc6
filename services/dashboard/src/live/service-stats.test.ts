import { histogramQuantile, type Reading, ratesBetween, windowStats } from './service-stats';

const reading = (at: number, overrides: Partial<Reading> = {}): Reading => ({
  at,
  handled: 0,
  failed: 0,
  durations: [],
  oldestWaitingSeconds: null,
  ordersPlaced: null,
  outboxBacklog: null,
  outboxOldestAgeSeconds: null,
  workDepth: 0,
  ...overrides,
});

describe('service stats', () => {
  test('When 10 messages were handled, 2 failed and the queue grew by 4 in 2 s, then 8 came in and 5 went out per second', () => {
    const rates = ratesBetween(
      reading(0, { handled: 100, failed: 1, workDepth: 3 }),
      reading(2_000, { handled: 110, failed: 3, workDepth: 7 }),
    );

    expect(rates).toEqual({ at: 2_000, in: 8, out: 5 });
  });

  test('When a service restarted and its counters began again, then no rate is negative', () => {
    const rates = ratesBetween(reading(0, { handled: 50 }), reading(1_000, { handled: 2, workDepth: 0 }));

    expect(rates.in).toBeGreaterThanOrEqual(0);
    expect(rates.out).toBeGreaterThanOrEqual(0);
  });

  test('When observations fill buckets, then quantiles interpolate inside the bucket, and an empty histogram has none', () => {
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 1, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];

    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.75, buckets)).toBeCloseTo(0.55);
    expect(histogramQuantile(0.5, [{ le: Number.POSITIVE_INFINITY, count: 0 }])).toBeNull();
  });

  test('When a minute passes, then its quantiles, error rate and orders per minute come from that minute only', () => {
    const first = reading(0, {
      handled: 1_000,
      failed: 0,
      ordersPlaced: 500,
      durations: [
        { le: 0.1, count: 1_000 },
        { le: 1, count: 1_000 },
        { le: Number.POSITIVE_INFINITY, count: 1_000 },
      ],
    });
    const last = reading(60_000, {
      handled: 1_090,
      failed: 10,
      ordersPlaced: 530,
      durations: [
        { le: 0.1, count: 1_000 },
        { le: 1, count: 1_100 },
        { le: Number.POSITIVE_INFINITY, count: 1_100 },
      ],
    });

    const stats = windowStats(first, last);

    expect(stats.p50Seconds).toBeCloseTo(0.55);
    expect(stats.p99Seconds).toBeCloseTo(0.991);
    expect(stats.errorRate).toBeCloseTo(0.1);
    expect(stats.ordersPerMinute).toBe(30);
  });
});
