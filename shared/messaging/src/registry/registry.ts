import type { EventContract, EventEnvelope } from '../events';
import { checked } from './check-consumer-entry';
import type { ConsumerEntry, ConsumerSpec, RegistrySpec } from './registry-spec';
import {
  type OutcomeKind,
  type ReadOutcome,
  type TaskOutcomes,
  taskDeadLettered,
  taskFailed,
} from './task-outcomes';

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
