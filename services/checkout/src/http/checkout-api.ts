import { type ApiDescription, defineRoute, text } from '@shop/shared/http';
import { z } from 'zod';
import { invalidRequest, ORDER_ERRORS, orderNotFound } from '../domain/order-errors';
import { ADMIN_ERRORS, adminInvalidRequest, deadLetterNotFound } from './admin-errors';
import { idempotencyKeySchema, listQuerySchema, orderRequestSchema } from './order-request-schema';

/**
 * Checkout's routes, described once: Express serves them through addRoute
 * (checkout-routes.ts, admin-routes.ts, consumer-admin-routes.ts), which
 * validates with these schemas, and its OpenAPI document is generated from
 * them.
 */

const instant = z.string().meta({ format: 'date-time' });
const cents = z.number().int();

const product = z.object({ sku: z.string(), name: z.string(), priceCents: cents, currency: z.string() });

const attempt = z.object({
  attempt: z.number().int(),
  startedAt: instant.nullable(),
  finishedAt: instant,
  outcome: z.enum(['completed', 'failed', 'dead-lettered']),
  error: z.string().nullable(),
});

const task = z.object({
  status: z.enum(['pending', 'retrying', 'completed', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  updatedAt: instant.nullable(),
  url: z.string().optional().meta({ description: "The receipt's URL (the receipt task)" }),
  result: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({ description: 'What the service reported when it completed the task' }),
  timeline: z.array(attempt).meta({ description: 'Every attempt, in order' }),
});

/** The order as GET /orders/{id} shows it (order-representation.ts builds it). */
export const orderSchema = z.object({
  id: z.uuid(),
  status: z.enum(['pending', 'confirmed', 'payment_declined', 'failed']),
  customer: z.object({ email: z.string(), name: z.string() }),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPriceCents: cents,
      lineTotalCents: cents,
    }),
  ),
  totalCents: cents,
  currency: z.string(),
  paymentId: z.string().nullable(),
  createdAt: instant,
  fulfillment: z.record(z.string(), task).nullable().meta({
    description: 'One task per fulfillment service, by task name; null until the order is confirmed',
  }),
});

const deadLetterState = z.enum(['parked', 'replayed', 'discarded']);

const deadLetter = z.object({
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

const auditEntry = z.object({
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

const consumerControls = z.object({
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
const filterFields = {
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
const ids = z.array(z.uuid()).min(1).max(1_000);
/** Who acts, as the caller names itself (the CLI sends user@host); recorded beside the API's own name. */
const actor = text().trim().min(1).max(100).optional();

const service = z.object({ service: z.string().meta({ description: 'A consuming service: email, pdf...' }) });
const skippedEntry = z.object({
  id: z.string(),
  state: z.enum(['parked', 'replayed', 'discarded', 'missing']).meta({
    description: '`parked`: another replay has it in hand; `missing`: not a dead letter of this service',
  }),
});
const ADMIN = {
  tag: 'admin',
  auth: 'adminToken',
  invalid: adminInvalidRequest,
} as const;
const ADMIN_REFUSALS = [ADMIN_ERRORS.off, ADMIN_ERRORS.unauthorized] as const;

export const CHECKOUT_ROUTES = {
  products: defineRoute({
    method: 'get',
    path: '/products',
    tag: 'orders',
    summary: 'The catalogue',
    description:
      "Every product a shopper can order, with its price in cents and its currency, from checkout's catalogue. Public; changes nothing.",
    answers: { 200: { description: 'Every product, by SKU', body: z.array(product) } },
    errors: [ORDER_ERRORS.databaseUnavailable],
  }),
  placeOrder: defineRoute({
    method: 'post',
    path: '/orders',
    tag: 'orders',
    summary: 'Place an order: charge the card, save the order, publish OrderCompleted',
    description:
      'Public: any shopper may place an order (ORDER_RATE_LIMIT, when set, caps the requests per client address). Prices the lines from the catalogue and saves the order as pending, charges the card, then confirms the order and writes its checkout.order.completed event in one transaction (the outbox); it answers once that commits, and the confirmation email, the receipt, the stock and the sales figures follow through RabbitMQ. A declined card is saved as a declined order and answered 402. The same Idempotency-Key with the same body answers the same order again and charges nothing more; with another body it is refused (409). The body must be `application/json`.',
    query: z.object({
      mode: z
        .string()
        .optional()
        .meta({ description: '`classic`: the demo waits like the classic checkout (CLASSIC_MODE_ENABLED)' }),
    }),
    headers: z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() }),
    body: orderRequestSchema,
    invalid: invalidRequest,
    answers: {
      201: {
        description: 'The order, confirmed (or declined: see 402)',
        body: orderSchema,
        headers: { Location: 'The order: /orders/{id}' },
      },
    },
    errors: [
      ORDER_ERRORS.classicModeOff,
      ORDER_ERRORS.paymentDeclined,
      ORDER_ERRORS.idempotencyKeyReused,
      ORDER_ERRORS.requestInProgress,
      ORDER_ERRORS.unknownSku,
      ORDER_ERRORS.rateLimited,
      ORDER_ERRORS.notSaved,
      ORDER_ERRORS.pending,
      ORDER_ERRORS.databaseUnavailable,
      ORDER_ERRORS.backlogFull,
    ],
  }),
  listOrders: defineRoute({
    method: 'get',
    path: '/orders',
    tag: 'orders',
    auth: ADMIN.auth,
    summary: "Recent orders, or one customer's, or those whose id starts with a prefix (operators)",
    description:
      "An operators' route: it shows every customer's orders, so it needs the admin token and answers 404 while none is configured. A shopper reads their own order at /orders/{id}, the link the order's answer gives. Filters by email (whole, in any case) or by id prefix (8 or more characters); changes nothing.",
    query: listQuerySchema,
    invalid: invalidRequest,
    answers: { 200: { description: 'Orders, newest first', body: z.array(orderSchema) } },
    errors: [...ADMIN_REFUSALS, ORDER_ERRORS.databaseUnavailable],
  }),
  order: defineRoute({
    method: 'get',
    path: '/orders/{id}',
    tag: 'orders',
    summary: 'An order and the status of each of its fulfillment tasks',
    description:
      "The order as saved, and once it is confirmed, each fulfillment task's status, attempts and timeline as the services report them. Public: the order's id is an unguessable UUID, given only to whoever placed the order, so the link is the shopper's. Changes nothing.",
    // Only a UUID is looked up: anything else is not found without a query.
    params: z.object({ id: z.guid() }),
    invalid: () => orderNotFound('with that id: an order id is a UUID'),
    answers: { 200: { description: 'The order', body: orderSchema } },
    errors: [ORDER_ERRORS.notFound, ORDER_ERRORS.databaseUnavailable],
  }),
  deadLetterQueues: defineRoute({
    ...ADMIN,
    method: 'get',
    path: '/admin/dlq',
    summary: "Every service's parked dead letters: how many, and the oldest",
    description:
      "For each consuming service: the dead letters parked in checkout's store, the oldest one's age, and how many still wait in its RabbitMQ dead-letter queue to be moved into the store. Operators only (ADMIN_TOKEN; 404 while none is configured). Changes nothing: RabbitMQ is only counted, passively.",
    answers: {
      200: {
        description: 'One entry per service',
        body: z.array(
          z.object({
            service: z.string(),
            queue: z
              .string()
              .meta({ description: "The service's DLQ, which checkout drains into the store" }),
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
  consumers: defineRoute({
    ...ADMIN,
    method: 'get',
    path: '/admin/consumers',
    summary: 'Each consumer: paused or running, its circuit, consumers and rate limit',
    description:
      "For each consuming service: whether it is paused (since when, by whom), its circuit breaker's state, how many consumers RabbitMQ counts on its work queue (0 while paused; null when RabbitMQ cannot be asked) and its rate limit. Operators only (ADMIN_TOKEN). Changes nothing.",
    answers: { 200: { description: 'One entry per consuming service', body: z.array(consumerControls) } },
    errors: ADMIN_REFUSALS,
  }),
  pause: defineRoute({
    ...ADMIN,
    method: 'post',
    path: '/admin/consumers/{service}/pause',
    summary: 'Every replica of the service stops taking messages; its queue buffers',
    description:
      'Operators only (ADMIN_TOKEN). Records the pause in the shared controls table, which every replica of the service hears of at once: what it is handling finishes, and new messages wait in its queue. Written to the audit log with `actor`.',
    params: service,
    body: z.strictObject({ actor }),
    answers: { 200: { description: "The service's controls", body: consumerControls } },
    errors: [...ADMIN_REFUSALS, ADMIN_ERRORS.unknownConsumer],
  }),
  resume: defineRoute({
    ...ADMIN,
    method: 'post',
    path: '/admin/consumers/{service}/resume',
    summary: 'Every replica of the service takes messages again',
    description:
      'Operators only (ADMIN_TOKEN). Clears the pause in the shared controls table; every replica starts taking messages from its queue again. Written to the audit log with `actor`.',
    params: service,
    body: z.strictObject({ actor }),
    answers: { 200: { description: "The service's controls", body: consumerControls } },
    errors: [...ADMIN_REFUSALS, ADMIN_ERRORS.unknownConsumer],
  }),
  jobs: defineRoute({
    ...ADMIN,
    method: 'get',
    path: '/admin/jobs',
    summary: 'Scheduled jobs by due time, the parked ones, and the recurring schedules',
    description:
      'The delayed jobs not yet published (by due time), the jobs parked after JOB_MAX_ATTEMPTS refused publishes, and each recurring schedule with its cron, last and next run; filtered by service. Operators only (ADMIN_TOKEN). Changes nothing.',
    query: z.object({
      service: z.string().min(1).max(100).optional(),
      limit: z.coerce.number().int().positive().max(1_000).default(100),
    }),
    answers: {
      200: {
        description: 'The jobs; `limit` applies to the scheduled and to the parked ones each',
        body: z.object({
          scheduled: z.array(
            z.object({
              id: z.string(),
              service: z.string(),
              type: z.string(),
              dueAt: instant,
              subject: z.string().nullable(),
              attempts: z.number().int(),
              lastError: z.string().nullable(),
            }),
          ),
          parked: z
            .array(
              z.object({
                id: z.string(),
                service: z.string(),
                type: z.string(),
                dueAt: instant,
                subject: z.string().nullable(),
                attempts: z.number().int(),
                lastError: z.string().nullable(),
                parkedAt: instant,
              }),
            )
            .describe(
              'Jobs the relay stopped publishing after JOB_MAX_ATTEMPTS refusals, most recently parked first; they wait for an operator (docs/job-controls.md, "Parked jobs")',
            ),
          recurring: z.array(
            z.object({
              service: z.string(),
              name: z.string(),
              cron: z.string(),
              nextDueAt: instant.nullable(),
              lastDueAt: instant.nullable(),
            }),
          ),
        }),
      },
    },
    errors: ADMIN_REFUSALS,
  }),
};

export const CHECKOUT_API: ApiDescription = {
  title: 'checkout',
  version: '1.0.0',
  description:
    "Places orders (the card is charged and the order saved synchronously; everything else follows through RabbitMQ), shows each order with its fulfillment tasks, and the operators' admin API: dead letters, consumers, jobs. Every refusal is application/problem+json naming the offending fields.",
  auth: {
    adminToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN; without one configured, /admin and GET /orders answer 404',
    },
  },
  tags: {
    orders:
      "The shop's front: the catalogue, placing an order, and reading one back, all public; listing orders is the operators'",
    admin:
      "The operators' API, behind ADMIN_TOKEN: dead letters (search, dry run, replay, discard), the audit log, consumers (pause, resume) and jobs. The `npm run dlq` and `npm run consumers` CLIs and the dashboard are its clients",
  },
  routes: Object.values(CHECKOUT_ROUTES),
};
