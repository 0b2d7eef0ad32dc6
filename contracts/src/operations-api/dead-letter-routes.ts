import { defineRoute, text } from '@shared/http';
import { z } from 'zod';
import { auditEntry } from './audit-entry-shape';
import { filterFields } from './dead-letter-filter-fields';
import { deadLetter } from './dead-letter-shape';
import { instant } from './instant';
import { ADMIN_ERRORS, deadLetterNotFound } from './operations-errors';
import { ADMIN, ADMIN_REFUSALS } from './operator-access';
import { actor, ids, service, skippedEntry } from './operator-request-fields';

/** The operators' dead-letter routes and their audit log (services/operations serves them). */
export const DEAD_LETTER_ROUTES = {
  deadLetterQueues: defineRoute({
    ...ADMIN,
    method: 'get',
    path: '/admin/dlq',
    summary: "Every service's parked dead letters: how many, and the oldest",
    description:
      "For each consuming service: the dead letters parked in the operations service's store, the oldest one's age, and how many still wait in its RabbitMQ dead-letter queue to be moved into the store. Operators only (ADMIN_TOKEN; 404 while none is configured). Changes nothing: RabbitMQ is only counted, passively.",
    answers: {
      200: {
        description: 'One entry per service',
        body: z.array(
          z.object({
            service: z.string(),
            queue: z
              .string()
              .meta({ description: "The service's DLQ, which the operations service drains into the store" }),
            parked: z.number().int(),
            oldestParkedAt: instant.nullable(),
            oldestAgeMs: z.number().nullable(),
            arriving: z.number().int().nullable().meta({
              description:
                'Messages in the DLQ not yet in the store: 0 within a moment unless the drain is down',
            }),
          }),
        ),
      },
    },
    errors: ADMIN_REFUSALS,
  }),
  deadLetters: defineRoute({
    ...ADMIN,
    method: 'get',
    path: '/admin/dlq/{service}',
    summary: "Search a service's dead letters",
    description:
      'Oldest parked first, a page at a time, filtered by state (parked unless said), order, event type, error code, error text or time parked. Operators only (ADMIN_TOKEN). Reads the dead-letter store only: nothing in RabbitMQ is touched, however often it is called.',
    params: service,
    query: z.object({
      ...filterFields,
      limit: z.coerce.number().int().positive().max(500).default(100),
      after: text().min(1).max(200).optional().meta({ description: "The previous page's `next`" }),
    }),
    answers: {
      200: {
        description: 'A page of dead letters',
        body: z.object({
          items: z.array(deadLetter),
          total: z.number().int().meta({ description: 'Dead letters matching the filter, on every page' }),
          next: z
            .string()
            .nullable()
            .meta({ description: 'Pass as `after` for the next page; null on the last' }),
        }),
      },
    },
    errors: [...ADMIN_REFUSALS, ADMIN_ERRORS.unknownService],
  }),
  deadLetter: defineRoute({
    ...ADMIN,
    method: 'get',
    path: '/admin/dlq/{service}/messages/{id}',
    summary: 'One dead letter with its headers and body',
    description:
      "The message as it was parked: its AMQP headers, content type and body, every attempt's count and last error, and whether it was replayed or discarded since. Operators only (ADMIN_TOKEN). Changes nothing.",
    params: service.extend({ id: z.guid() }),
    invalid: () => deadLetterNotFound(),
    answers: {
      200: {
        description: 'The dead letter',
        body: deadLetter.extend({
          headers: z.record(z.string(), z.unknown()),
          contentType: z.string().nullable(),
          body: z.unknown(),
        }),
      },
    },
    errors: [...ADMIN_REFUSALS, ADMIN_ERRORS.unknownService, ADMIN_ERRORS.messageNotFound],
  }),
  preview: defineRoute({
    ...ADMIN,
    method: 'post',
    path: '/admin/dlq/{service}/preview',
    summary: 'The dry run: what a replay or discard would act on, before it does',
    description:
      'Given ids, says which are parked (the rest are skipped, with their state); given a filter, selects the oldest `limit` parked dead letters it matches. Either way it answers their ids, how they group by type, error code and reason, and where a replay would send them. Send those ids to replay or discard to act on exactly that set. Operators only (ADMIN_TOKEN). Changes nothing.',
    params: service,
    body: z
      .strictObject({
        action: z.enum(['replay', 'discard']),
        ids: ids.optional(),
        filter: z.strictObject(filterFields).optional(),
        limit: z.number().int().positive().max(10_000).default(1_000).meta({
          description: 'With a filter: select at most this many, oldest first',
        }),
      })
      .refine((body) => (body.ids === undefined) !== (body.filter === undefined), {
        path: ['ids'],
        message: 'give either ids or a filter',
      }),
    answers: {
      200: {
        description: 'What the action would do',
        body: z.object({
          action: z.enum(['replay', 'discard']),
          service: z.string(),
          target: z
            .string()
            .nullable()
            .meta({ description: "A replay's destination: the service's work queue" }),
          ids: z.array(z.string()),
          matching: z.number().int(),
          groups: z.array(
            z.object({
              type: z.string().nullable(),
              lastErrorCode: z.string().nullable(),
              reason: z.string().nullable(),
              count: z.number().int(),
            }),
          ),
          skipped: z.array(skippedEntry),
        }),
      },
    },
    errors: [...ADMIN_REFUSALS, ADMIN_ERRORS.unknownService],
  }),
  replay: defineRoute({
    ...ADMIN,
    method: 'post',
    path: '/admin/dlq/{service}/replay',
    summary: 'Put exactly the chosen dead letters back on the work queue, rate-capped and audited',
    description:
      "Operators only (ADMIN_TOKEN). Each chosen dead letter that is still parked is published again to the service's work queue as first published (same message id, correlation id, type and body, its attempt count reset), at most `rate` per second (10 unless said); once RabbitMQ confirms it, it is marked replayed and the audit log records who (`actor`, beside the API's own name). A dead letter no longer parked is skipped. A duplicate delivery this may cause is absorbed by the service's inbox.",
    params: service,
    body: z.strictObject({ ids, actor, rate: z.number().positive().max(1_000).optional() }),
    answers: {
      200: {
        description: 'What was replayed; chosen ids not parked are skipped',
        body: z.object({
          replayed: z.number().int(),
          ids: z.array(z.string()),
          skipped: z.array(skippedEntry),
        }),
      },
    },
    errors: [...ADMIN_REFUSALS, ADMIN_ERRORS.unknownService],
  }),
  discard: defineRoute({
    ...ADMIN,
    method: 'post',
    path: '/admin/dlq/{service}/discard',
    summary: 'Settle exactly the chosen dead letters for good, with a reason, audited',
    description:
      'Operators only (ADMIN_TOKEN). Marks each chosen dead letter that is still parked as discarded, with the reason and who (`actor`) in the audit log; it is never delivered again. The stored message is kept, for the record. A dead letter no longer parked is skipped.',
    params: service,
    body: z.strictObject({ ids, actor, reason: text().trim().min(1).max(1_000) }),
    answers: {
      200: {
        description: 'What was discarded; chosen ids not parked are skipped',
        body: z.object({
          discarded: z.number().int(),
          ids: z.array(z.string()),
          skipped: z.array(skippedEntry),
        }),
      },
    },
    errors: [...ADMIN_REFUSALS, ADMIN_ERRORS.unknownService],
  }),
  audit: defineRoute({
    ...ADMIN,
    method: 'get',
    path: '/admin/audit',
    summary: 'The replays, discards, pauses and resumes, newest first',
    description:
      'Every operator action taken through this API, the CLIs or the dashboard: who, when, on which service and dead letter, and why; filtered by service or order. Operators only (ADMIN_TOKEN). Changes nothing.',
    query: z.object({
      service: text().min(1).max(100).optional(),
      order: text().min(1).max(200).optional(),
      limit: z.coerce.number().int().positive().max(1_000).default(50),
    }),
    answers: { 200: { description: 'The audit log', body: z.array(auditEntry) } },
    errors: ADMIN_REFUSALS,
  }),
};
