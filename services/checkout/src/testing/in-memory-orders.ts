import type { EventEnvelope } from '@shared/messaging';
import type { NewOrder, StoredOrder } from '../data/orders-repository';
import type { PlaceOrderRepository } from '../domain/place-order';
import type { Product } from '../domain/pricing';

/**
 * The orders' tables in memory, with the OrdersRepository's rules: a held
 * Idempotency-Key refuses a second pending order, every settlement is a
 * compare-and-set from pending, and a confirm writes the order, its event
 * (the outbox row) and its pending tasks together. A test replaces one
 * method to make the database fail where it wants.
 */
export class InMemoryOrders implements PlaceOrderRepository {
  readonly orders = new Map<string, StoredOrder>();
  /** The outbox: every event a confirm committed, in commit order. */
  readonly outbox: EventEnvelope[] = [];

  constructor(private readonly tasks: readonly string[]) {}

  async findByIdempotencyKey(key: string) {
    const order = [...this.orders.values()].find((candidate) => candidate.idempotencyKey === key);
    return order
      ? {
          id: order.id,
          status: order.status,
          requestHash: order.requestHash,
          declineReason: order.declineReason,
        }
      : null;
  }

  async findById(id: string) {
    return this.orders.get(id) ?? null;
  }

  async statusOf(id: string) {
    return this.orders.get(id)?.status;
  }

  async createPending(order: NewOrder) {
    if (order.idempotencyKey && (await this.findByIdempotencyKey(order.idempotencyKey))) return false;
    this.orders.set(order.id, {
      id: order.id,
      status: 'pending',
      customerEmail: order.customer.email,
      customerName: order.customer.name,
      totalCents: order.priced.totalCents,
      currency: order.priced.currency,
      paymentId: null,
      declineReason: null,
      idempotencyKey: order.idempotencyKey ?? null,
      requestHash: order.requestHash ?? null,
      refundOwed: false,
      correlationId: order.correlationId,
      createdAt: order.createdAt,
      updatedAt: order.createdAt,
      lines: order.priced.lines.map((line, index) => ({ orderId: order.id, lineNumber: index + 1, ...line })),
      tasks: [],
    });
    return true;
  }

  async markDeclined(id: string, reason: string) {
    return this.updatePending(id, { status: 'payment_declined', declineReason: reason });
  }

  async markFailed(id: string) {
    return this.updatePending(id, { status: 'failed', idempotencyKey: null });
  }

  async confirm(id: string, paymentId: string, event: EventEnvelope) {
    const order = this.orders.get(id);
    if (!order || this.updatePending(id, { status: 'confirmed', paymentId }) === 0) return false;
    this.outbox.push(event);
    const updatedAt = new Date(event.occurredAt);
    order.tasks = this.tasks.map((task) => ({
      orderId: id,
      task,
      status: 'pending',
      attempts: 0,
      lastError: null,
      url: null,
      updatedAt,
      timeline: [],
    }));
    return true;
  }

  async failOwingRefund(id: string) {
    return this.updatePending(id, { status: 'failed', refundOwed: true }) === 1;
  }

  async refundDone(id: string) {
    const order = this.orders.get(id);
    if (!order?.refundOwed) return 0;
    Object.assign(order, { refundOwed: false, idempotencyKey: null, updatedAt: new Date() });
    return 1;
  }

  /** Like `UPDATE ... WHERE status = 'pending'`: the number of rows changed. */
  private updatePending(id: string, changes: Partial<StoredOrder>): number {
    const order = this.orders.get(id);
    if (order?.status !== 'pending') return 0;
    Object.assign(order, changes, { updatedAt: new Date() });
    return 1;
  }
}

/** The catalogue's `find`, over a fixed list of products. */
export function inMemoryCatalogue(products: readonly Product[]) {
  return { find: async (skus: string[]) => products.filter((product) => skus.includes(product.sku)) };
}
