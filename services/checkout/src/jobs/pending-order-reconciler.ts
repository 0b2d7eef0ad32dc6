import { type ReconcileDeps, reconcilePendingOrders } from '../domain/reconcile-pending-orders';

/**
 * Runs the reconciliation of stale orders (pending, or failed still owing
 * their refund) on a timer, a quarter of
 * the timeout apart (at most every 30 s), one pass at a time; a failed pass
 * is logged and the next one tries again.
 */
export class PendingOrderReconciler {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: ReconcileDeps,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    const every = Math.max(250, Math.min(this.timeoutMs / 4, 30_000));
    this.timer = setInterval(() => {
      this.pass = this.pass.then(() =>
        reconcilePendingOrders(this.deps, this.timeoutMs).catch((error: unknown) =>
          this.deps.log.warn({ err: error }, 'reconciling pending orders failed; trying again later'),
        ),
      );
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }
}
