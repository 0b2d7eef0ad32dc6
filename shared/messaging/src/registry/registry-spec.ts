import type { z } from 'zod';
import type { EventContract } from '../events';

/**
 * A declarative description of who consumes what, from which every process
 * derives its queues, its outcome events and its task list. The runtime reads
 * it and knows no names of its own; the application writes one registry.
 */

/** One consuming service as the application describes it. */
export interface ConsumerSpec {
  /** The work queue's name after the service: "order-completed" gives the queue "email.order-completed". */
  queue: string;
  /** The events it consumes; their types are the work queue's routing keys. */
  consumes: readonly EventContract[];
  /** What it does with each message of its work queue, and why a duplicate is harmless: the AsyncAPI document's words. */
  description?: string;
  /** The Postgres schema of its inbox table (`<schema>.processed_events`); the service's name when absent. */
  inbox?: string;
  /**
   * Set when the service's work is a task of the subject (an order's
   * confirmation email): its name in the subject's task list. The runtime
   * then reports every attempt as an outcome event.
   */
  task?: string;
  /** The event published when a task is done. Its data: the handler's result, the subject and the attempt. */
  completed?: EventContract;
  /**
   * The service's jobs: events it consumes from a second, lower-priority work
   * queue (`<service>.<queue>`), usually ones it scheduled for itself (a
   * reminder, a report). Handled by the service's job handler, never reported
   * as a task outcome. Its backlog never holds the main queue back, and the
   * main queue's deliveries get the rate limit's tokens first.
   */
  jobs?: { queue: string; consumes: readonly EventContract[]; description?: string };
  /**
   * At most this many handler runs per period across every replica: "10/s",
   * "600/m". The variable `<SERVICE>_RATE_LIMIT` overrides it ("off" removes it).
   * Waiting for a turn is not an attempt: the message waits, nothing is retried.
   */
  rateLimit?: string;
  /**
   * Error codes that mean the downstream cannot be reached (a refused SMTP
   * connection): CIRCUIT_BREAKER_THRESHOLD of them in a row pause the service
   * on every replica for CIRCUIT_BREAKER_COOL_DOWN, then one probe decides.
   */
  circuitBreaker?: { opensOn: readonly string[] };
  /**
   * Recurring jobs by name: each publishes its event on its cron (5 or 6
   * fields, UTC), which the service consumes as a job. `<NAME>_CRON` (the
   * name upper-cased, dashes as underscores) overrides the cron.
   */
  schedules?: Record<string, { cron: string; event: EventContract }>;
}

export interface RegistrySpec<Consumers extends Record<string, ConsumerSpec>, SubjectKey extends string> {
  /**
   * What a task is about: the field every consumed event carries in its data
   * (an order id), with its schema. Outcome events carry it too, so the
   * projector can file them, and dead letters can be searched by it.
   */
  subject: { key: SubjectKey; schema: z.ZodType<string> };
  consumers: Consumers;
  /** The service that follows every task's outcome events, its queue, and what it does with them. */
  projector?: { service: string; queue: string; description?: string };
}

/** A consumer as the runtime uses it: the spec with its name and inbox filled in. */
export interface ConsumerEntry extends ConsumerSpec {
  service: string;
  inbox: string;
}
