import { z } from 'zod';
import { defineEvent, type EventContract, type EventEnvelope } from '../events';

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

/** A task consumer's three outcome events: done, one attempt failed (a retry is scheduled), parked. */
export interface TaskOutcomes {
  completed: EventContract | undefined;
  failed: EventContract;
  deadLettered: EventContract;
}

export type OutcomeKind = 'completed' | 'failed' | 'dead-lettered';

/** An outcome event read back: which task, which subject, what happened. */
export interface ReadOutcome {
  service: string;
  task: string;
  subject: string;
  kind: OutcomeKind;
  attempt: number;
  /** When the attempt started and finished (ISO-8601); absent from events published before they were carried. */
  startedAt?: string;
  finishedAt?: string;
  /** The failed attempt's error (failed and dead-lettered). */
  error?: string;
  /** The rest of the event's data: a completed task's result, a failure's tier or reason. */
  detail: Record<string, unknown>;
}

/** What a handler of `Spec` returns: the completed event's data without the subject and the attempt's fields, which the runtime adds. */
export type ResultOf<
  Spec extends ConsumerSpec,
  SubjectKey extends string,
> = Spec['completed'] extends EventContract
  ? Omit<z.input<Spec['completed']['data']>, SubjectKey | keyof typeof attemptFields>
  : undefined;

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const NAME = /^[a-z][a-z0-9-]*$/;

export class Registry<
  Consumers extends Record<string, ConsumerSpec> = Record<string, ConsumerSpec>,
  SubjectKey extends string = string,
> {
  /** Every consumer, the projector last. */
  readonly entries: readonly ConsumerEntry[];
  readonly subject: RegistrySpec<Consumers, SubjectKey>['subject'];
  private readonly outcomesByService = new Map<string, TaskOutcomes>();
  private readonly outcomeByType = new Map<string, { entry: ConsumerEntry; kind: OutcomeKind }>();

  constructor(readonly spec: RegistrySpec<Consumers, SubjectKey>) {
    this.subject = spec.subject;
    const consumers = Object.entries(spec.consumers).map(([service, consumer]) =>
      checked({ ...consumer, service, inbox: consumer.inbox ?? service.replaceAll('-', '_') }),
    );
    for (const entry of consumers) {
      if (!entry.task) continue;
      const outcomes: TaskOutcomes = {
        completed: entry.completed,
        failed: taskFailed(entry.service, spec.subject, spec.projector?.service),
        deadLettered: taskDeadLettered(entry.service, spec.subject, spec.projector?.service),
      };
      this.outcomesByService.set(entry.service, outcomes);
      for (const [kind, contract] of [
        ['completed', outcomes.completed],
        ['failed', outcomes.failed],
        ['dead-lettered', outcomes.deadLettered],
      ] as const) {
        if (contract) this.outcomeByType.set(contract.type, { entry, kind });
      }
    }
    const projector = spec.projector
      ? [
          checked({
            ...spec.projector,
            service: spec.projector.service,
            consumes: this.outcomes,
            inbox: spec.projector.service,
          }),
        ]
      : [];
    this.entries = [...consumers, ...projector];
  }

  /** The entry of `service`; throws for a service the registry does not describe. */
  entry(service: string): ConsumerEntry {
    const entry = this.entries.find((candidate) => candidate.service === service);
    if (!entry) {
      throw new Error(
        `The registry describes no consumer "${service}"; it has ${this.entries.map((known) => known.service).join(', ')}`,
      );
    }
    return entry;
  }

  /** The task consumers, in registry order: what every subject's task list holds. */
  get tasks(): { service: string; task: string }[] {
    return this.entries.flatMap(({ service, task }) => (task ? [{ service, task }] : []));
  }

  /** Every outcome event a task consumer can publish: what the projector consumes. */
  get outcomes(): EventContract[] {
    return [...this.outcomesByService.values()].flatMap(({ completed, failed, deadLettered }) =>
      completed ? [completed, failed, deadLettered] : [failed, deadLettered],
    );
  }

  /** The outcome events of a task consumer; undefined for a consumer without a task. */
  outcomesOf(service: string): TaskOutcomes | undefined {
    return this.outcomesByService.get(service);
  }

  /** The subject an event's data names (an order id), if it names one. */
  subjectOf(event: Pick<EventEnvelope, 'data'>): string | undefined {
    const value = (event.data as Record<string, unknown> | null | undefined)?.[this.subject.key];
    return typeof value === 'string' ? value : undefined;
  }

  /** Reads an outcome event back; undefined for an event that is not one of this registry's outcomes. */
  readOutcome(event: EventEnvelope): ReadOutcome | undefined {
    const known = this.outcomeByType.get(event.type);
    const subject = this.subjectOf(event);
    if (!known?.entry.task || subject === undefined) return undefined;
    const {
      [this.subject.key]: _subject,
      attempt,
      startedAt,
      finishedAt,
      error,
      ...detail
    } = event.data as Record<string, unknown>;
    return {
      service: known.entry.service,
      task: known.entry.task,
      subject,
      kind: known.kind,
      attempt: typeof attempt === 'number' ? attempt : 1,
      ...(typeof startedAt === 'string' ? { startedAt } : {}),
      ...(typeof finishedAt === 'string' ? { finishedAt } : {}),
      ...(typeof error === 'string' ? { error } : {}),
      detail,
    };
  }
}

export function defineRegistry<Consumers extends Record<string, ConsumerSpec>, SubjectKey extends string>(
  spec: RegistrySpec<Consumers, SubjectKey>,
): Registry<Consumers, SubjectKey> {
  return new Registry(spec);
}

/** Names become queue names and SQL identifiers: only lower-case letters, digits and dashes (underscores for schemas). */
function checked(entry: ConsumerEntry): ConsumerEntry {
  if (!NAME.test(entry.service)) throw new Error(`Service name "${entry.service}": use a-z, 0-9 and "-"`);
  for (const queue of [entry.queue, entry.jobs?.queue]) {
    if (queue !== undefined && !NAME.test(queue))
      throw new Error(`Queue name "${queue}" of ${entry.service}: use a-z, 0-9 and "-"`);
  }
  if (entry.jobs?.queue === entry.queue)
    throw new Error(`${entry.service}: its jobs need a queue of their own, not "${entry.queue}"`);
  for (const [name, { event }] of Object.entries(entry.schedules ?? {})) {
    if (!NAME.test(name))
      throw new Error(`Schedule name "${name}" of ${entry.service}: use a-z, 0-9 and "-"`);
    if (!entry.jobs?.consumes.includes(event))
      throw new Error(
        `${entry.service}: schedule "${name}" publishes ${event.type}, which its jobs do not consume`,
      );
  }
  if (!IDENTIFIER.test(entry.inbox))
    throw new Error(`Inbox schema "${entry.inbox}" of ${entry.service}: use a-z, 0-9 and "_"`);
  return Object.freeze(entry);
}

const timestamp = z.iso.datetime({ offset: true });

/**
 * The fields the runtime writes on every outcome event, whatever its kind:
 * the attempt (counted across replays from the DLQ), when its handler
 * started and when its outcome was settled. The times are optional, so an
 * event published before they existed still parses: adding an optional
 * field is a compatible change to a v1 contract (docs/decisions.md).
 * A completed contract spreads these into its data.
 */
export const attemptFields = {
  attempt: z.number().int().positive(),
  startedAt: timestamp.optional(),
  finishedAt: timestamp.optional(),
};

/** Who shows a task's outcomes, for the outcome events' descriptions. */
const shownBy = (projector: string | undefined, status: string) =>
  projector ? ` ${projector} shows the task as ${status}.` : '';

/** `<service>.task.failed` v1: an attempt failed and a retry is scheduled. */
function taskFailed(
  service: string,
  subject: { key: string; schema: z.ZodType<string> },
  projector: string | undefined,
) {
  return defineEvent({
    type: `${service}.task.failed`,
    version: 1,
    summary: `${service}: an attempt at its task failed, and a retry is scheduled`,
    description: `What ${service} reports when an attempt at its task (for the \`${subject.key}\` named) fails with an error worth retrying: published once the message is confirmed in the retry queue it now waits in (\`retryIn\`), with the attempt's error. \`attempt\` counts across replays from the dead-letter queue. Best effort: a report RabbitMQ refuses is logged, not retried, since the message waits in its retry queue either way.${shownBy(projector, 'retrying')}`,
    data: z.object({
      [subject.key]: subject.schema,
      ...attemptFields,
      error: z.string(),
      /** The retry tier the message now waits in, e.g. "5s". */
      retryIn: z.string(),
    }),
  });
}

/** `<service>.task.dead-lettered` v1: the message waits in the service's DLQ for a human. */
function taskDeadLettered(
  service: string,
  subject: { key: string; schema: z.ZodType<string> },
  projector: string | undefined,
) {
  return defineEvent({
    type: `${service}.task.dead-lettered`,
    version: 1,
    summary: `${service}: its task gave up, and the message waits in its dead-letter queue`,
    description: `What ${service} reports when it parks the message of its task (for the \`${subject.key}\` named) in its dead-letter queue, where it waits for an operator to replay or discard it: published once the dead-letter queue confirmed it, with the last error and the \`reason\`: \`retries-exhausted\` after the last retry, \`permanent-error\` at once for an error no retry can fix, \`delivery-limit\` for a crash loop (parked by the consumer, or by RabbitMQ itself). \`attempt\` counts across replays. Best effort, like every failure report: the message is in the dead-letter queue either way.${shownBy(projector, 'failed')}`,
    data: z.object({
      [subject.key]: subject.schema,
      ...attemptFields,
      error: z.string(),
      /** Why it was parked: retries-exhausted, permanent-error, delivery-limit... */
      reason: z.string(),
    }),
  });
}
