import { text } from '@shared/http';
import { z } from 'zod';

/** The shapes the operators' API reads and answers (the *-routes.ts of this folder compose the routes that use them). */

export const instant = z.string().meta({ format: 'date-time' });

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

export const auditEntry = z.object({
  id: z.string(),
  at: instant,
  action: z.enum(['replay', 'discard', 'pause', 'resume']),
  service: z.string(),
  deadLetterId: z.string().nullable(),
  messageId: z.string().nullable(),
  orderId: z.string().nullable(),
  actor: z.string(),
  reason: z.string().nullable(),
  lastError: z.string().nullable(),
});

export const consumerControls = z.object({
  service: z.string(),
  paused: z.boolean(),
  pausedAt: instant.nullable(),
  pausedBy: z.string().nullable(),
  circuit: z.object({
    state: z.string(),
    openedAt: instant.nullable(),
    until: instant.nullable(),
    lastError: z.string().nullable(),
  }),
  consumers: z.number().int().nullable().meta({ description: "Consumers on the service's work queue" }),
  rateLimit: z.string().nullable(),
});

// Every string is text(): the filters reach logs, and actor and reason the audit table.
export const filterFields = {
  state: deadLetterState.optional().meta({ description: 'Default: parked' }),
  order: text().min(1).max(200).optional().meta({ description: 'The order id' }),
  type: text()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'The event type, e.g. checkout.order.completed' }),
  code: text().min(1).max(200).optional().meta({ description: 'The last error code, exactly' }),
  error: text()
    .min(1)
    .max(1_000)
    .optional()
    .meta({ description: 'Text in the last error or its code, any case' }),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'Parked at or after' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Parked before' }),
};
/** The dead letters an operator picked, by id: exactly those are acted on. */
export const ids = z.array(z.uuid()).min(1).max(1_000);
/** Who acts, as the caller names itself (the CLI sends user@host); recorded beside the API's own name. */
export const actor = text().trim().min(1).max(100).optional();

export const service = z.object({
  service: z.string().meta({ description: 'A consuming service: email, pdf...' }),
});
export const skippedEntry = z.object({
  id: z.string(),
  state: z.enum(['parked', 'replayed', 'discarded', 'missing']).meta({
    description: '`parked`: another replay has it in hand; `missing`: not a dead letter of this service',
  }),
});
