import { z } from 'zod';
import { defineEvent, type EventContract } from '../events';
import type { ConsumerSpec } from './registry-spec';

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
export function taskFailed(
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
export function taskDeadLettered(
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
