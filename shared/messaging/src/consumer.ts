import type { Logger } from '@shared/core/logging';
import type { EventContract, EventOf } from './events';
import type { Inbox, InboxDatabase, InboxTransaction } from './inbox';
import type { OutcomeReporter } from './outcomes';
import type { ServiceQueues } from './topology';

/**
 * What a replica does with its queues: consume them, hold (consume nothing;
 * handlers already running finish, messages already delivered but not yet
 * started go back to their queue unhandled, the queues buffer), or take one
 * message at a time as the circuit breaker's probe.
 */
export type ConsumerMode = 'consume' | 'hold' | 'probe';

/** Who asks for a turn: the main work queue goes before the job queue. */
export type Priority = 'main' | 'jobs';

export interface HandlerContext<Tx extends InboxTransaction = InboxTransaction> {
  /** Carries the event's correlation id, message id and attempt on every line. */
  readonly log: Logger;
  /** 1 for the first delivery, 2 after the first retry, and so on. */
  readonly attempt: number;
  /**
   * Aborted when the handler runs past its timeout. Stop the work when it
   * fires (pass it on to I/O that accepts one): the delivery waits for the
   * handler to return before its retry is scheduled.
   */
  readonly signal: AbortSignal;
  /**
   * How long a transaction of this attempt may stay open: longer than the
   * handler timeout, so the claim on an event outlives any attempt that
   * honours its signal, and a second attempt can never take it over while the
   * first may still be sending.
   */
  readonly transactionTimeoutMs: number;
  /** The service's inbox, bound to this event: `inbox.once(effect)` runs the effect once per event. */
  readonly inbox: Inbox<Tx>;
}

/** Handles one event; what it returns is the data of the consumer's completed event (see the registry). */
export type EventHandler<
  Contract extends EventContract,
  Result = unknown,
  Tx extends InboxTransaction = InboxTransaction,
> = (event: EventOf<Contract>, context: HandlerContext<Tx>) => Promise<Result>;

/** One consumer as the broker runs it: its queues, what it accepts, its handler, and where it reports. */
export interface ConsumerSetup<Contract extends EventContract, Result, Tx extends InboxTransaction> {
  queues: ServiceQueues;
  /** The exchange outcome events are published to. */
  eventsExchange: string;
  contracts: readonly Contract[];
  handler: EventHandler<Contract, Result, Tx>;
  /** Where the service's inbox table lives; without it, `context.inbox` refuses to run. */
  inbox?: { db: InboxDatabase<Tx>; schema: string };
  /** Publishes the consumer's outcome events; absent for a consumer without a task. */
  reporter?: OutcomeReporter;
  /**
   * The service's jobs, from its job queue: what they are and who handles
   * them. A job is never reported as a task outcome.
   */
  jobs?: { contracts: readonly EventContract[]; handler: EventHandler<EventContract, unknown, Tx> };
  /** Grants turns under the service's rate limit (resolving with the turn's time); a handler runs only once it has one. */
  rateLimiter?: { acquire(priority: Priority): Promise<number> };
  /** Told how each handler run ended: the error's code, or undefined (the circuit breaker listens). */
  onHandled?: (code: string | undefined, error?: string) => void;
}
