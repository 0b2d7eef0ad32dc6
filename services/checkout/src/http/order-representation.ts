import type { OrderSnapshot, TaskAttemptSnapshot } from '../domain/order-snapshot';

type StoredTask = OrderSnapshot['tasks'][number];

/** The order as GET /orders/{id} shows it (contract: see the service README). */
export function orderRepresentation(order: OrderSnapshot, tasks: readonly string[]) {
  return {
    id: order.id,
    status: order.status,
    customer: { email: order.customerEmail, name: order.customerName },
    items: order.lines.map(({ sku, name, quantity, unitPriceCents, lineTotalCents }) => ({
      sku,
      name,
      quantity,
      unitPriceCents,
      lineTotalCents,
    })),
    totalCents: order.totalCents,
    currency: order.currency,
    paymentId: order.paymentId,
    createdAt: order.createdAt.toISOString(),
    // Tasks exist from confirmation on; an order that was never confirmed is never fulfilled.
    fulfillment: order.tasks.length > 0 ? fulfillment(order.tasks, tasks) : null,
  };
}

/** One entry per task of the registry, in its order, whatever the database holds. */
function fulfillment(stored: readonly StoredTask[], tasks: readonly string[]) {
  const byName = new Map(stored.map((task) => [task.task, task]));
  return Object.fromEntries(
    tasks.map((name) => {
      const task = byName.get(name);
      return [
        name,
        {
          status: task?.status ?? 'pending',
          attempts: task?.attempts ?? 0,
          lastError: task ? lastErrorOf(task) : null,
          updatedAt: task?.updatedAt.toISOString() ?? null,
          ...(task?.url ? { url: task.url } : {}),
          result: task ? resultOf(task) : null,
          timeline: (task?.timeline ?? []).map(timelineEntry),
        },
      ];
    }),
  );
}

/**
 * The error of the latest failed attempt in the timeline, which ends the
 * same whatever order the outcomes arrived in; the stored one for a task
 * projected before timelines were kept.
 */
function lastErrorOf(task: StoredTask): string | null {
  const failures = task.timeline.filter((entry) => entry.error !== null);
  return failures.at(-1)?.error ?? task.lastError;
}

/** What the service reported when it completed the task (its latest completed attempt); null until then. */
function resultOf(task: StoredTask): unknown {
  if (task.status !== 'completed') return null;
  const completed = task.timeline.filter((entry) => entry.outcome === 'completed');
  return completed.at(-1)?.result ?? null;
}

function timelineEntry(entry: TaskAttemptSnapshot) {
  return {
    attempt: entry.attempt,
    startedAt: entry.startedAt?.toISOString() ?? null,
    finishedAt: entry.finishedAt.toISOString(),
    outcome: entry.outcome === 'dead_lettered' ? 'dead-lettered' : entry.outcome,
    error: entry.error,
  };
}
