import type { Request, Response } from 'express';
import type { Snapshot } from '../live/live-feed';
import { deadLetterCounts } from '../views/dead-letters-view';
import { html } from '../views/html';
import { jobsView } from '../views/jobs-view';
import { ordersTable } from '../views/orders-view';
import { queuesView, ratesOf } from '../views/queues-view';
import type { DashboardDeps } from './dashboard-deps';
import type { Role, Session } from './sessions';

/** The fragments of the four regions for a role, from a snapshot that is recent enough. */
export function regions(snapshot: Snapshot | undefined, role: Role, tasks: readonly string[]) {
  const waiting = html`<p class="muted">Loading…</p>`;
  if (!snapshot || Date.now() - snapshot.at > 5_000) {
    return { queues: waiting, orders: waiting, deadLetterCounts: waiting, jobs: waiting };
  }
  return {
    queues: queuesView(snapshot),
    orders: ordersTable(snapshot.recentOrders, tasks, 'Recent orders'),
    deadLetterCounts: deadLetterCounts(snapshot),
    jobs: jobsView(snapshot, role === 'operator'),
  };
}

/**
 * Server-sent events: every snapshot of the shared feed, rendered once per
 * role and sent as HTML fragments (only those that changed), plus the chart
 * series as JSON. The stream ends when the session does.
 */
export function stream(req: Request, res: Response, deps: DashboardDeps) {
  const session = res.locals.session as Session;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Tells a buffering proxy (nginx) to pass each event on at once.
    'x-accel-buffering': 'no',
  });
  deps.streams.add(res);
  const sent = new Map<string, string>();
  const sendEvent = (event: string, data: string) => {
    if (sent.get(event) === data) return;
    sent.set(event, data);
    res.write(
      `event: ${event}\n${data
        .split('\n')
        .map((line) => `data: ${line}`)
        .join('\n')}\n\n`,
    );
  };
  const unsubscribe = deps.feed.subscribe((snapshot) => {
    if (!deps.sessions.isOpen(session)) {
      sendEvent('signed-out', '');
      res.end();
      return;
    }
    const fragments = regions(snapshot, session.role, deps.tasks);
    sendEvent('queues', String(fragments.queues));
    sendEvent('orders', String(fragments.orders));
    sendEvent('dead-letter-counts', String(fragments.deadLetterCounts));
    sendEvent('jobs', String(fragments.jobs));
    sendEvent('rates', JSON.stringify(ratesOf(snapshot)));
    sendEvent('updated', new Date(snapshot.at).toISOString());
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
    deps.streams.delete(res);
  });
}
