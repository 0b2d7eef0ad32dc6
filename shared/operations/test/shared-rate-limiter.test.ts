import { randomUUID } from 'node:crypto';
import type { Priority } from '@shared/messaging';
import { parseRate, type Rate, rateLimitPool, SharedRateLimiter } from '@shared/operations';
import type pg from 'pg';
import { databaseUrl, testLogger } from '../../../test/support';

/**
 * The rate limiter as replicas use it: several limiters under one key, each
 * with a pool of its own, taking turns at once for a few seconds. The times
 * checked are the grants as the limiter reports them, on the database's
 * clock: what the limiter promises. When each caller then runs depends on its
 * own process (a timer fires a little late, an event loop stalls), which no
 * limiter can promise; the end-to-end test looks at that side.
 */

const pools: pg.Pool[] = [];

function limiters(rate: string, replicas: number, url = databaseUrl()) {
  const key = `test-${randomUUID()}`;
  return Array.from({ length: replicas }, () => {
    const pool = rateLimitPool(url);
    pool.on('error', () => {});
    pools.push(pool);
    return new SharedRateLimiter(pool, key, parseRate(rate) as Rate, testLogger());
  });
}

/** Every grant `callers` callers per limiter took, asking again at once, until `durationMs` is over; in microseconds. */
async function grantsOver(group: SharedRateLimiter[], callers: number, durationMs: number) {
  const grants: number[] = [];
  const until = Date.now() + durationMs;
  await Promise.all(
    group.flatMap((limiter) =>
      Array.from({ length: callers }, async (_, index) => {
        const priority: Priority = index % 2 === 0 ? 'main' : 'jobs';
        while (Date.now() < until) grants.push(await limiter.acquire(priority));
      }),
    ),
  );
  for (const limiter of group) limiter.close();
  // The database keeps microseconds; read back as milliseconds, a grant is rounded to them again
  // so that two grants exactly one period apart compare as exactly one period apart.
  return grants.map((at) => Math.round(at * 1_000)).sort((a, b) => a - b);
}

/** The most grants any half-open window [t, t + periodUs) holds; the busiest starts at a grant. */
function busiest(grants: number[], periodUs: number): number {
  let most = 0;
  let end = 0;
  for (let start = 0; start < grants.length; start++) {
    while (end < grants.length && grants[end]! < grants[start]! + periodUs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

const perSecond = (grants: number[]) => ((grants.length - 1) * 1_000_000) / (grants.at(-1)! - grants[0]!);

describe('shared rate limiter', () => {
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));

  test.each([
    ['15/s', 15],
    ['10/s', 10],
  ])(
    'When three replicas take turns at %s for three seconds, then no second holds more than the rate, and they get the rate',
    async (rate, count) => {
      const grants = await grantsOver(limiters(rate, 3), 4, 3_000);

      expect(grants.length).toBeGreaterThanOrEqual(3 * count);
      expect(busiest(grants, 1_000_000)).toBeLessThanOrEqual(count);
      expect(perSecond(grants)).toBeLessThanOrEqual(count);
      expect(perSecond(grants)).toBeGreaterThan(0.95 * count);
    },
  );

  test('When deliveries of both queues wait, then the main queue gets its turns first', async () => {
    const [limiter] = limiters('20/s', 1);
    const order: Priority[] = [];
    const take = (priority: Priority) => limiter!.acquire(priority).then(() => order.push(priority));

    await Promise.all([take('jobs'), take('jobs'), take('jobs'), take('main'), take('main'), take('main')]);
    limiter!.close();

    expect(order).toEqual(['main', 'main', 'main', 'jobs', 'jobs', 'jobs']);
  });

  test('When Postgres does not answer, then a replica still takes turns at the rate, counted alone', async () => {
    const unreachable = new URL(databaseUrl());
    unreachable.port = '1';
    const grants = await grantsOver(limiters('10/s', 1, unreachable.toString()), 2, 2_000);

    expect(busiest(grants, 1_000_000)).toBeLessThanOrEqual(10);
    expect(perSecond(grants)).toBeLessThanOrEqual(10);
    expect(perSecond(grants)).toBeGreaterThan(9.5);
  });
});
