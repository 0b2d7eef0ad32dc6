import { setTimeout as sleep } from 'node:timers/promises';

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

export async function waitLikeClassicCheckout(): Promise<void> {
  for (const ms of Object.values(CLASSIC_INLINE_WORK_MS)) await sleep(ms);
}
