import { defineRoute } from '@shared/http';
import { z } from 'zod';
import { consumerControls } from './consumer-controls-shape';
import { instant } from './instant';
import { ADMIN_ERRORS } from './operations-errors';
import { ADMIN, ADMIN_REFUSALS } from './operator-access';
import { actor, service } from './operator-request-fields';

const scheduledJob = z.object({
  id: z.string(),
  service: z.string(),
  type: z.string(),
  dueAt: instant,
  subject: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

/** The operators' consumer controls and scheduled jobs (services/operations serves them). */
export const CONSUMER_ROUTES = {
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
          scheduled: z.array(scheduledJob),
          parked: z
            .array(scheduledJob.extend({ parkedAt: instant }))
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
