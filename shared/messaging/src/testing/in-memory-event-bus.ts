import { createLogger } from '@shared/core/logging';
import type { HandlerContext } from '../consumer';
import type { EventContract, EventEnvelope, EventOf } from '../events';
import type { EventPublisher } from '../outbox/event-publisher';
import { OutcomeReporter } from '../outcomes';
import type { Registry } from '../registry';
import { InMemoryInbox } from './in-memory-inbox';

/**
 * The context an in-memory consumer hands its handler. Its inbox gives an
 * effect a stand-in transaction that the in-memory stand-ins ignore, so it
 * fits any transaction type a handler expects (`never` is assignable to each).
 */
export type InMemoryHandlerContext = HandlerContext<never>;

/**
 * The broker for unit tests: `publish` records the event (what the outbox
 * relay and the outcome reporter call), and a consumer delivers an event to
 * its handler the way the runtime does, with an inbox, and reports the
 * outcome the registry gives the service. No retries, no dead letters, no
 * wire: what only a broker can show stays in the integration tests.
 */
export class InMemoryEventBus implements EventPublisher {
  readonly canPublish = true;
  readonly published: EventEnvelope[] = [];

  /** With a registry, a delivery that succeeds publishes its consumer's completed event. */
  constructor(private readonly registry?: Registry) {}

  async publish(event: EventEnvelope): Promise<void> {
    this.published.push(event);
  }

  /** The published events of one contract, oldest first. */
  publishedOf<Contract extends EventContract>(contract: Contract): EventOf<Contract>[] {
    return this.published.filter((event) => event.type === contract.type) as EventOf<Contract>[];
  }

  /**
   * The outbox's side of a commit for a use case under test (`leaseForNewRow`,
   * `publishCommitted`): what was committed is published at once.
   */
  get outbox() {
    return {
      leaseForNewRow: () => 0,
      publishCommitted: (event: EventEnvelope) => void this.publish(event),
    };
  }

  /**
   * A consumer of `service`. Its work-queue deliveries report the service's
   * outcome; its jobs (`{ jobs: true }`) report none, as the runtime does.
   * Consumers given the same inbox share it, as a service's queues do.
   */
  consumer<Event extends EventEnvelope, Result>(
    service: string,
    handler: (event: Event, context: InMemoryHandlerContext) => Promise<Result>,
    options: { inbox?: InMemoryInbox; jobs?: boolean } = {},
  ): InMemoryConsumer<Event, Result> {
    const inbox = options.inbox ?? new InMemoryInbox();
    const reporter = this.registry && !options.jobs ? new OutcomeReporter(this.registry, service) : undefined;
    const log = createLogger(service, 'silent');
    return {
      inbox,
      deliver: async (event, attempt = 1) => {
        const startedAt = new Date();
        const context: InMemoryHandlerContext = {
          log,
          attempt,
          signal: new AbortController().signal,
          transactionTimeoutMs: 60_000,
          inbox: inbox.for<never>(event),
        };
        const result = await handler(event, context);
        const outcome = reporter?.completed(event, { attempt, startedAt }, result);
        if (outcome) await this.publish(outcome);
        return result;
      },
    };
  }
}

export interface InMemoryConsumer<Event, Result> {
  readonly inbox: InMemoryInbox;
  /** Runs the handler on the event as delivery number `attempt` (1 unless given); rejects as the handler does. */
  deliver(event: Event, attempt?: number): Promise<Result>;
}
