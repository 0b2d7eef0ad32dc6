import type { EventEnvelope } from '../events';

/** The one thing the relay needs from the broker: a publish that resolves only after the confirm. */
export interface EventPublisher {
  /** Connected, and not blocked by a resource alarm: a publish now can be confirmed. */
  readonly canPublish: boolean;
  publish(event: EventEnvelope): Promise<void>;
}
