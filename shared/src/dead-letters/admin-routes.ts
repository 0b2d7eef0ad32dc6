import { timingSafeEqual } from 'node:crypto';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../database';
import { retryableError } from '../errors';
import { fieldName, sendProblem } from '../http/problem';
import { BROKER_UNAVAILABLE } from '../messaging/broker';
import type { Topology } from '../messaging/topology';
import { DeadLetterQueues } from './dead-letter-queues';
import type { DeadLetterFilter } from './parked-message';

/** The actor recorded in the audit log for everything done through the API. */
export const ADMIN_API_ACTOR = 'admin-api';

const filterFields = {
  limit: z.coerce.number().int().positive().max(10_000).optional(),
  orderId: z.string().min(1).max(200).optional(),
  errorContains: z.string().min(1).max(1_000).optional(),
};
const replayBody = z.strictObject({ ...filterFields, rate: z.number().positive().max(1_000).optional() });
const discardBody = z.strictObject({ ...filterFields, reason: z.string().trim().min(1).max(1_000) });

/**
 * The dead-letter tooling over HTTP (mounted by checkout), the same
 * operations as `npm run dlq`:
 *
 *   GET  /admin/dlq                           every DLQ's depth and oldest age
 *   GET  /admin/dlq/:service?limit&order&error the parked messages
 *   POST /admin/dlq/:service/replay           { limit?, orderId?, errorContains?, rate? }
 *   POST /admin/dlq/:service/discard          { reason, limit?, orderId?, errorContains? }
 *
 * Every request needs `Authorization: Bearer <adminToken>`. Without a
 * configured token the API is off and every route answers 404, as if absent.
 */
export interface DeadLetterAccess {
  services: readonly string[];
  /** Runs `work` with the tooling connected. */
  use<Result>(work: (deadLetters: DeadLetterQueues) => Promise<Result>): Promise<Result>;
}

/**
 * Connects for each request and disconnects after. The tooling's plain
 * connection has no reconnect, and checkout must start and keep serving
 * while RabbitMQ is away; an admin request then gets 503 instead.
 */
export function connectPerRequest(options: {
  url: string;
  topology: Topology;
  prisma: PrismaClient;
}): DeadLetterAccess {
  return {
    services: options.topology.services.map((queues) => queues.service),
    async use(work) {
      const deadLetters = await DeadLetterQueues.open(options).catch((error: unknown) => {
        throw retryableError(BROKER_UNAVAILABLE, 'RabbitMQ is not reachable; try again shortly', {
          cause: error,
        });
      });
      try {
        return await work(deadLetters);
      } finally {
        await deadLetters.close();
      }
    },
  };
}

export function createAdminRoutes(access: DeadLetterAccess, adminToken: string | undefined): Router {
  const router = Router();
  router.use('/admin/dlq', (req, res, next) => {
    if (!adminToken) return sendProblem(res, { status: 404, title: 'Not Found' });
    if (!hasToken(req, adminToken)) {
      res.set('WWW-Authenticate', 'Bearer realm="admin"');
      return sendProblem(res, {
        status: 401,
        title: 'Unauthorized',
        detail: 'Send Authorization: Bearer <ADMIN_TOKEN>',
        code: 'ADMIN.UNAUTHORIZED',
      });
    }
    next();
  });

  router.get('/admin/dlq', async (_req, res) => {
    res.json(await access.use((deadLetters) => deadLetters.list()));
  });

  router.get('/admin/dlq/:service', serviceGuard(access.services), async (req, res) => {
    const filter = parseOr400(res, z.object(filterFields), {
      limit: req.query.limit,
      orderId: req.query.order,
      errorContains: req.query.error,
    });
    if (filter)
      res.json(await access.use((deadLetters) => deadLetters.show(String(req.params.service), filter)));
  });

  router.post('/admin/dlq/:service/replay', serviceGuard(access.services), async (req, res) => {
    const body = parseOr400(res, replayBody, req.body ?? {});
    if (!body) return;
    const { rate, ...filter } = body;
    const result = await access.use((deadLetters) =>
      deadLetters.replay(String(req.params.service), filter satisfies DeadLetterFilter, {
        actor: ADMIN_API_ACTOR,
        ratePerSecond: rate,
      }),
    );
    res.json(result);
  });

  router.post('/admin/dlq/:service/discard', serviceGuard(access.services), async (req, res) => {
    const body = parseOr400(res, discardBody, req.body ?? {});
    if (!body) return;
    const { reason, ...filter } = body;
    res.json(
      await access.use((deadLetters) =>
        deadLetters.discard(String(req.params.service), filter, { actor: ADMIN_API_ACTOR, reason }),
      ),
    );
  });

  return router;
}

/** Compares in constant time, so the answer's timing does not reveal how much of a guess was right. */
function hasToken(req: Request, adminToken: string): boolean {
  const token = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
  if (!token) return false;
  const given = Buffer.from(token);
  const expected = Buffer.from(adminToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function serviceGuard(services: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const service = String(req.params.service);
    if (services.includes(service)) return next();
    sendProblem(res, {
      status: 404,
      title: 'Not Found',
      detail: `No dead-letter queue for service "${service}"; known: ${services.join(', ')}`,
      code: 'DEAD_LETTERS.UNKNOWN_SERVICE',
    });
  };
}

function parseOr400<Schema extends z.ZodType>(res: Response, schema: Schema, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.output<Schema>;
  const errors = result.error.issues.map((issue) => ({
    field: fieldName(issue.path) || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)'),
    message: issue.message,
  }));
  sendProblem(res, {
    status: 400,
    title: 'Bad Request',
    detail: `Invalid ${errors.map((error) => error.field).join(', ')}`,
    code: 'ADMIN.INVALID_REQUEST',
    errors,
  });
  return undefined;
}
