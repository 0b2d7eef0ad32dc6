import { z } from 'zod';
import { instant } from './instant';

/** A dead letter as the operators' API shows it (the *-routes.ts of this folder compose the routes). */
export const deadLetterState = z.enum(['parked', 'replayed', 'discarded']);

export const deadLetter = z.object({
  id: z.uuid().meta({
    description: 'The dead letter: one parking of one message (the same event parked again is a new one)',
  }),
  service: z.string(),
  messageId: z.string().meta({ description: 'The AMQP message id, which is the event id' }),
  type: z.string().nullable(),
  orderId: z.string().nullable(),
  correlationId: z.string().nullable(),
  attempts: z
    .number()
    .int()
    .meta({ description: 'Attempts made before it was parked, earlier runs included' }),
  reason: z
    .string()
    .nullable()
    .meta({ description: '`permanent-error`, `retries-exhausted`, `delivery-limit`, ...' }),
  lastError: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  firstFailureAt: instant.nullable(),
  parkedAt: instant,
  state: deadLetterState,
  settledAt: instant.nullable().meta({ description: 'When it was replayed or discarded' }),
});
