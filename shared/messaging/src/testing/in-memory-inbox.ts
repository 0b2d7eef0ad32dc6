import type { EventEnvelope } from '../events';
import type { Inbox, InboxClaim, InboxTransaction } from '../inbox';

/**
 * Stands for the transaction `inbox.once` hands its effect. The in-memory
 * stand-ins of a handler's data ignore it; a real query on it fails loudly.
 */
const NO_DATABASE: InboxTransaction = {
  $executeRawUnsafe: () =>
    Promise.reject(new Error('a unit test has no database; pass an in-memory stand-in')),
};

/**
 * A service's inbox (`<schema>.processed_events`) in memory: the ids of the
 * events whose effect has run. `once` records the id before the effect and
 * forgets it if the effect throws, as the real transaction rolls back; the
 * in-memory stand-ins written meanwhile are not rolled back.
 */
export class InMemoryInbox {
  private readonly handled = new Set<string>();

  /** The inbox bound to one delivery, as the runtime hands it to a handler. */
  for<Tx extends InboxTransaction = InboxTransaction>(event: Pick<EventEnvelope, 'id' | 'type'>): Inbox<Tx> {
    return {
      claim: { schema: 'in_memory', eventId: event.id, eventType: event.type },
      once: async (effect) => {
        if (!this.take({ schema: 'in_memory', eventId: event.id, eventType: event.type })) {
          return { duplicate: true };
        }
        try {
          return { duplicate: false, result: await effect(NO_DATABASE as Tx) };
        } catch (error) {
          this.handled.delete(event.id);
          throw error;
        }
      },
    };
  }

  /**
   * What the claim's `INSERT ... ON CONFLICT DO NOTHING` does: true when the
   * event's id was not there yet. An in-memory stand-in of a one-statement
   * effect (a handler that writes `inbox.claim` itself) calls it first.
   */
  take(claim: InboxClaim): boolean {
    if (this.handled.has(claim.eventId)) return false;
    this.handled.add(claim.eventId);
    return true;
  }

  /** Whether the event's effect has run. */
  holds(eventId: string): boolean {
    return this.handled.has(eventId);
  }
}
