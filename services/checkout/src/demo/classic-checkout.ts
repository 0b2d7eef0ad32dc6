import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import { classicModeOff } from '../domain/order-errors';

/**
 * The demo's "classic" checkout: what the shopper waited for when every side
 * effect ran inline before the answer. The times are the classic story's
 * (README): email 2 s, PDF receipt 3 s, inventory 2 s, analytics 1 s.
 *
 * Only the waiting is replayed inline. The side effects themselves still go
 * through the outbox to the real services, so the demo never sends a second
 * email or skips one: both modes produce the same orders and effects, and
 * differ only in how long the shopper waits.
 */
export const CLASSIC_INLINE_WORK_MS = {
  email: 2_000,
  receipt: 3_000,
  inventory: 2_000,
  analytics: 1_000,
} as const;

/** What the demo profile can do around POST /orders (see checkout-routes.ts). */
export interface OrderDemo {
  /** Before anything is written or charged: may refuse the request. */
  beforePlacing(req: Request): void;
  /** After the order is placed, before the 201. */
  afterPlaced(req: Request): Promise<void>;
}

/**
 * The demo profile on POST /orders: with `?mode=classic` the answer waits as
 * long as the classic checkout's inline work took. With CLASSIC_MODE_ENABLED
 * false the mode is refused before anything happens.
 */
export function classicCheckout(enabled: boolean): OrderDemo {
  const classic = (req: Request) => req.query.mode === 'classic';
  return {
    beforePlacing(req) {
      if (classic(req) && !enabled) throw classicModeOff();
    },
    async afterPlaced(req) {
      if (!classic(req)) return;
      for (const ms of Object.values(CLASSIC_INLINE_WORK_MS)) await sleep(ms);
    },
  };
}
