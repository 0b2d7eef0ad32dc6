import { SHOP_REGISTRY } from '@shop/contracts/registry';
import pg from 'pg';
import { waitFor } from '../../../test/support';
import { OrdersRepository } from '../src/data/orders-repository';
import type { TestDatabase } from './checkout-harness';

/**
 * What the tests of settling orders share: the fulfillment tasks of an order,
 * and a repository that fails where a network would.
 */

export const TASKS = SHOP_REGISTRY.tasks.map(({ task }) => task);

export type Fault =
  | 'lose-commit-answer'
  | 'fail-before-commit'
  | 'fail-every-read'
  | 'lose-answer-while-queued';

/** The real repository, failing at one chosen point. */
export class FaultyOrders extends OrdersRepository {
  /** The confirm left running ('lose-answer-while-queued'), and the lock it queued behind. */
  unanswered: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly database: TestDatabase,
    private readonly fault: Fault,
  ) {
    super(database.prisma, TASKS);
  }

  override async confirm(...args: Parameters<OrdersRepository['confirm']>) {
    if (this.fault === 'fail-before-commit') throw new Error('Connection terminated unexpectedly');
    if (this.fault === 'lose-answer-while-queued') return this.loseAnswerWhileQueued(args);
    const confirmed = await super.confirm(...args);
    if (this.fault === 'lose-commit-answer') throw new Error('Connection terminated unexpectedly');
    return confirmed;
  }

  override async statusOf(id: string) {
    if (this.fault === 'fail-every-read') throw new Error('Connection terminated unexpectedly');
    return super.statusOf(id);
  }

  override async findById(id: string) {
    if (this.fault === 'fail-every-read') throw new Error('Connection terminated unexpectedly');
    return super.findById(id);
  }

  /**
   * The confirm statement reaches the server but waits there behind another
   * session's lock on the order's row, while its answer is lost: the
   * connection fails as the statement still runs. The lock is let go once a
   * second statement queues behind it (whatever the settling path does to
   * the order's row next), or after 10 s, and the confirm then commits.
   */
  private async loseAnswerWhileQueued(args: Parameters<OrdersRepository['confirm']>): Promise<boolean> {
    const holder = new pg.Client({ connectionString: this.database.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM checkout.orders WHERE id = $1 FOR UPDATE', [args[0]]);
    const confirm = super.confirm(...args).catch(() => false);
    await waitFor('the confirm to queue behind the lock', async () => (await this.waitingForLocks()) === 1);
    this.unanswered = waitFor(
      'a second statement behind the lock',
      async () => (await this.waitingForLocks()) >= 2,
      10_000,
    )
      .catch(() => undefined)
      .then(() => holder.query('ROLLBACK'))
      .finally(() => holder.end())
      .then(() => confirm);
    throw new Error('Connection terminated unexpectedly');
  }

  /** Statements of this test's database waiting for a lock (the database is the file's own). */
  private async waitingForLocks(): Promise<number> {
    const [row] = await this.database.prisma.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return row?.waiting ?? 0;
  }
}
