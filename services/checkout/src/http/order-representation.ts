import { FULFILLMENT_TASKS } from '@shop/shared/events';
import type { StoredOrder } from '../data/orders-repository';

/** The order as GET /orders/{id} shows it (contract: see the service README). */
export function orderRepresentation(order: StoredOrder) {
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
    fulfillment: order.tasks.length > 0 ? fulfillment(order.tasks) : null,
  };
}

function fulfillment(tasks: StoredOrder['tasks']) {
  const byName = new Map(tasks.map((task) => [task.task, task]));
  return Object.fromEntries(
    Object.values(FULFILLMENT_TASKS).map((name) => {
      const task = byName.get(name);
      return [
        name,
        {
          status: task?.status ?? 'pending',
          attempts: task?.attempts ?? 0,
          lastError: task?.lastError ?? null,
          updatedAt: task?.updatedAt.toISOString() ?? null,
          ...(task?.url ? { url: task.url } : {}),
        },
      ];
    }),
  );
}
