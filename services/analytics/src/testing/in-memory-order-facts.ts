import type { EventOf, InboxClaim } from '@shared/messaging';
import type { InMemoryInbox } from '@shared/messaging/testing';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import type { OrderFacts } from '../data/order-facts';

type Order = EventOf<typeof OrderCompletedV1>['data'];

/**
 * The facts in memory, with the rules of `recordOrderFactOnce`: a fact is
 * written only when its inbox claim is, never over an earlier fact of the
 * order, and the answer is when the order's fact was first recorded.
 */
export class InMemoryOrderFacts implements OrderFacts {
  readonly facts = new Map<string, { order: Order; recordedAt: Date }>();

  constructor(
    private readonly inbox: InMemoryInbox,
    /** The database's clock, which stamps `recorded_at`. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async recordOnce(claim: InboxClaim, order: Order): Promise<Date> {
    if (this.inbox.take(claim) && !this.facts.has(order.orderId)) {
      this.facts.set(order.orderId, { order, recordedAt: this.now() });
    }
    const fact = this.facts.get(order.orderId);
    if (!fact) throw new Error(`order ${order.orderId} has no fact after recording it`);
    return fact.recordedAt;
  }
}
