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
