import pg from 'pg';
import { scrapeMetrics, sleep, waitFor } from '../../../test/support';
import { checkoutTestContext } from './checkout-harness';

/**
 * Checkout's /metrics counts its outbox, a table that grows with every order.
 * However many scrapes come, each gauge asks the database at most once a
 * second, and scrapes that arrive together share that one read. Seen from
 * Postgres: with the outbox locked, 20 scrapes at once leave one query per
 * outbox gauge waiting for the lock, not one per scrape.
 */
describe("checkout's /metrics", () => {
  const context = checkoutTestContext('metrics_cost');
  /** The gauges that read checkout.outbox: backlog, published by type, parked, oldest age. */
  const OUTBOX_GAUGES = 4;

  test('When 20 scrapes come at once, then each outbox gauge asks Postgres once, and every scrape is answered', async () => {
    // A pool large enough for one query per scrape and gauge, and no relay to wait on the lock too.
    const checkout = await context.start({ DATABASE_POOL_SIZE: '40', OUTBOX_RELAY_ENABLED: 'false' });
    expect((await scrapeMetrics(checkout.baseUrl)).status).toBe(200);

    const locker = new pg.Client({ connectionString: context.database.url });
    await locker.connect();
    /** Checkout's connections held up by the lock (a query, or a new connection's start). */
    const waitingOnOutbox = async () => {
      const { rows } = await locker.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
      );
      return rows[0]?.n ?? 0;
    };
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE checkout.outbox IN ACCESS EXCLUSIVE MODE');
      // Past the last read's second: these scrapes read again.
      await sleep(1_100);
      const scrapes = Promise.all(Array.from({ length: 20 }, () => scrapeMetrics(checkout.baseUrl)));

      await waitFor('the scrapes queued behind the lock', async () => (await waitingOnOutbox()) > 0);
      // Time for every scrape to reach the database, had each its own reads.
      await sleep(1_500);
      const waiting = await waitingOnOutbox();
      await locker.query('ROLLBACK');

      expect(waiting).toBeLessThanOrEqual(OUTBOX_GAUGES);
      const answers = await scrapes;
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      for (const answer of answers) expect(await answer.text()).toMatch(/^shop_outbox_backlog \d+$/m);
    } finally {
      await locker.end();
    }
  });
});
