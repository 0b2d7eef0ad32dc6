/** One delivery as the receiver first saw it. */
export interface ReceivedDelivery {
  /** The webhook-id: the shop's OrderCompleted event id. */
  id: string;
  type: string;
  orderId: string | null;
  receivedAt: string;
  /** How many more times the same webhook-id arrived (retries after a lost answer, replays), all dropped. */
  duplicates: number;
}

/**
 * What a merchant does with deliveries that may come more than once: keep
 * the first of each webhook-id and drop the rest. In memory: the receiver
 * shows a demo's or a test's deliveries, and starts empty.
 */
export class DeliveryLog {
  private readonly byId = new Map<string, ReceivedDelivery>();

  /** Records the delivery unless its id was seen; says whether this was the first. */
  receive(id: string, event: { type?: unknown; data?: { orderId?: unknown } }, at = new Date()): boolean {
    const seen = this.byId.get(id);
    if (seen) {
      seen.duplicates += 1;
      return false;
    }
    this.byId.set(id, {
      id,
      type: typeof event.type === 'string' ? event.type : 'unknown',
      orderId: typeof event.data?.orderId === 'string' ? event.data.orderId : null,
      receivedAt: at.toISOString(),
      duplicates: 0,
    });
    return true;
  }

  /** The first deliveries, oldest first. */
  list(): ReceivedDelivery[] {
    return [...this.byId.values()];
  }
}
