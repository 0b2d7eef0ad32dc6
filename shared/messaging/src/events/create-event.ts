import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { EventContract, EventOf } from './event-contract';

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
