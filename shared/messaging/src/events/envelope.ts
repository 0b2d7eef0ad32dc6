import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The envelope every event travels in (contract: see docs/events.md).
 * `data` is checked against the event's own schema by `parseEvent`.
 */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2}$/, 'expected producer.entity.event'),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  data: z.unknown(),
});

export interface EventEnvelope<Data = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  correlationId: string;
  data: Data;
}

/**
 * One event type at one version. The routing key is the type itself
 * (`producer.entity.event`), so it is defined exactly once.
 */
export interface EventContract<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  type: Type;
  version: number;
  routingKey: Type;
  data: Schema;
  /** One line: what happened. */
  summary: string;
  /** When and by whom it is published, and what its fields mean, for a reader of the AsyncAPI document. */
  description: string;
}

/** The envelope of a contract's events; for a union of contracts, a union discriminated by `type`. */
export type EventOf<Contract extends EventContract> = Contract extends EventContract
  ? EventEnvelope<z.output<Contract['data']>> & { type: Contract['type'] }
  : never;

export function defineEvent<Type extends string, Schema extends z.ZodType>(
  definition: Omit<EventContract<Type, Schema>, 'routingKey'>,
): EventContract<Type, Schema> {
  return Object.freeze({ ...definition, routingKey: definition.type });
}

/** Builds a new event, validating its data so a producer can never publish what consumers would refuse. */
export function createEvent<Contract extends EventContract>(
  contract: Contract,
  data: z.input<Contract['data']>,
  context: { correlationId: string; id?: string; occurredAt?: Date },
): EventOf<Contract> {
  return {
    id: context.id ?? randomUUID(),
    type: contract.type,
    version: contract.version,
    occurredAt: (context.occurredAt ?? new Date()).toISOString(),
    correlationId: context.correlationId,
    data: contract.data.parse(data),
  } as EventOf<Contract>;
}
