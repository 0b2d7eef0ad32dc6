import type { z } from 'zod';
import type { EventEnvelope } from './envelope';

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
