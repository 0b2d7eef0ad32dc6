import { setTimeout as sleep } from 'node:timers/promises';
import { addRoute } from '@shared/http';
import { type ConsumerManifest, type ServiceManifest, SHOP_MANIFEST } from '@shop/contracts/registry';
import type { Express } from 'express';
import { CHECKOUT_ROUTES } from '../http/checkout-api';
import type { OrderPlacement } from '../http/checkout-routes';

/** One task the classic checkout did inline, and how long the shopper waited for it. */
export interface InlineWork {
  task: string;
  ms: number;
}

/**
 * The classic checkout's inline work, one entry per task of the registry, in
 * its order: each consumer's `classicInlineMs` from the manifest (the README's
 * "Why": email 2 s, receipt 3 s, inventory 2 s, analytics 1 s). A consumer
 * added to the registry joins the classic story with the time its manifest
 * entry gives; one the manifest does not know (a test's) waits nothing.
 */
export function classicInlineWork(tasks: readonly { service: string; task: string }[]): InlineWork[] {
  const manifest: Record<string, ServiceManifest | ConsumerManifest> = SHOP_MANIFEST;
  return tasks.map(({ service, task }) => {
    const entry = manifest[service];
    return { task, ms: entry && 'classicInlineMs' in entry ? entry.classicInlineMs : 0 };
  });
}

/**
 * The demo's classic checkout, registered only with CLASSIC_MODE_ENABLED:
 * POST /classic/orders places the order exactly as POST /orders does, then
 * waits as long as the classic checkout's inline work took before answering,
 * naming each task's wait in Server-Timing. Only the waiting is replayed: the
 * effects still go through the outbox to the real services, so both routes
 * produce the same orders and effects and differ only in how long the
 * shopper waits.
 */
export function classicCheckoutRoutes({ place, middleware }: OrderPlacement, work: readonly InlineWork[]) {
  const serverTiming = work.map(({ task, ms }) => `${task};dur=${ms}`).join(', ');
  return (app: Express) => {
    addRoute(
      app,
      CHECKOUT_ROUTES.placeClassicOrder,
      async (input, req, res) => {
        const order = await place(input, req);
        for (const { ms } of work) await sleep(ms);
        res.status(201).location(order.location).set('Server-Timing', serverTiming).json(order.body);
      },
      middleware,
    );
  };
}
