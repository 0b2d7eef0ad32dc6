import { timingSafeEqual } from 'node:crypto';
import type { ShopErrorCode } from '@shop/contracts/errors';
import type { DeadLetterQueues } from '@shop/shared/dead-letters';
import { AppError, permanentError } from '@shop/shared/errors';
import { fieldName, text } from '@shop/shared/http';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';

/** The actor recorded in the audit log for everything done through the API. */
export const ADMIN_API_ACTOR = 'admin-api';

const ADMIN_ERRORS = {
  off: 'ADMIN.OFF',
  unauthorized: 'ADMIN.UNAUTHORIZED',
  invalidRequest: 'ADMIN.INVALID_REQUEST',
  unknownService: 'DEAD_LETTERS.UNKNOWN_SERVICE',
  messageNotFound: 'DEAD_LETTERS.MESSAGE_NOT_FOUND',
} as const satisfies Record<string, ShopErrorCode>;

// Every string is text(): the filters reach logs, and actor and reason the audit table.
const filterFields = {
  limit: z.coerce.number().int().positive().max(10_000).optional(),
  orderId: text().min(1).max(200).optional(),
  errorContains: text().min(1).max(1_000).optional(),
};
/** The messages an operator picked, by AMQP message id (the dashboard's ticked rows). */
const messageIds = z.array(text().min(1).max(200)).min(1).max(1_000).optional();
/** Who acts, as the caller names itself (the CLI sends user@host); recorded beside the API's own name. */
export const actor = text().trim().min(1).max(100).optional();
const replayBody = z.strictObject({
  ...filterFields,
  messageIds,
  actor,
  rate: z.number().positive().max(1_000).optional(),
});
const discardBody = z.strictObject({
  ...filterFields,
  messageIds,
  actor,
  reason: text().trim().min(1).max(1_000),
});
const auditQuery = z.object({
  service: text().min(1).max(100).optional(),
  orderId: text().min(1).max(200).optional(),
  limit: z.coerce.number().int().positive().max(1_000).default(50),
});
export const actorOf = (named: string | undefined) =>
  named ? `${named} via ${ADMIN_API_ACTOR}` : ADMIN_API_ACTOR;

/**
 * The operators' API, behind `Authorization: Bearer <ADMIN_TOKEN>`; without a
 * configured token every route answers 404, as if absent.
 *
 *   GET  /admin/dlq                            every DLQ's depth and oldest age
 *   GET  /admin/dlq/:service?limit&order&error the parked messages
 *   GET  /admin/dlq/:service/messages/:id      one parked message with its headers and body
 *   POST /admin/dlq/:service/replay            { limit?, orderId?, errorContains?, messageIds?, rate? }
 *   POST /admin/dlq/:service/discard           { reason, limit?, orderId?, errorContains?, messageIds? }
 *   GET  /admin/audit?service&order&limit      the replays and discards, newest first
 *
 * The `npm run dlq` CLI and the dashboard are clients of it, so every replay
 * and discard is written to checkout's audit table by checkout.
 */
export function adminRoutes(deadLetters: DeadLetterQueues, adminToken: string | undefined): Router {
  const router = Router();
  router.use('/admin', requireAdmin(adminToken));

  router.get('/admin/dlq', async (_req, res) => {
    res.json(await deadLetters.list());
  });

  router.get('/admin/dlq/:service', knownService(deadLetters), async (req, res) => {
    const { orderId, ...filter } = parseAdminRequest(z.object(filterFields), {
      limit: req.query.limit,
      orderId: req.query.order,
      errorContains: req.query.error,
    });
    const parked = await deadLetters.show(String(req.params.service), { ...filter, subject: orderId });
    res.json(parked.map(parkedRepresentation));
  });

  router.get('/admin/dlq/:service/messages/:messageId', knownService(deadLetters), async (req, res) => {
    const messageId = String(req.params.messageId);
    const parked = await deadLetters.read(String(req.params.service), messageId);
    if (!parked) {
      throw permanentError(ADMIN_ERRORS.messageNotFound, 'Not Found', {
        details: { detail: `No message ${messageId} in the dead-letter queue of ${req.params.service}` },
      });
    }
    res.json(parkedRepresentation(parked));
  });

  router.get('/admin/audit', async (req, res) => {
    const { orderId, ...query } = parseAdminRequest(auditQuery, {
      service: req.query.service,
      orderId: req.query.order,
      limit: req.query.limit,
    });
    const entries = await deadLetters.history({ ...query, subject: orderId });
    res.json(entries.map(parkedRepresentation));
  });

  router.post('/admin/dlq/:service/replay', knownService(deadLetters), async (req, res) => {
    const { rate, orderId, actor: named, ...filter } = parseAdminRequest(replayBody, req.body ?? {});
    res.json(
      await deadLetters.replay(
        String(req.params.service),
        { ...filter, subject: orderId },
        { actor: actorOf(named), ratePerSecond: rate },
      ),
    );
  });

  router.post('/admin/dlq/:service/discard', knownService(deadLetters), async (req, res) => {
    const { reason, orderId, actor: named, ...filter } = parseAdminRequest(discardBody, req.body ?? {});
    res.json(
      await deadLetters.discard(
        String(req.params.service),
        { ...filter, subject: orderId },
        { actor: actorOf(named), reason },
      ),
    );
  });

  return router;
}

/** Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`; 404 for all when no token is set. */
export function requireAdmin(adminToken: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!adminToken) throw permanentError(ADMIN_ERRORS.off, 'Not Found');
    if (!hasToken(req, adminToken)) {
      throw permanentError(ADMIN_ERRORS.unauthorized, 'Unauthorized', {
        details: { detail: 'Send Authorization: Bearer <ADMIN_TOKEN>' },
      });
    }
    next();
  };
}

/** A parked message or audit entry as the API shows it: the subject under the shop's name for it. */
function parkedRepresentation<Item extends { subject: string | null }>({ subject, ...item }: Item) {
  return { ...item, orderId: subject };
}

/** Compares in constant time, so the answer's timing does not reveal how much of a guess was right. */
function hasToken(req: Request, adminToken: string): boolean {
  const token = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
  if (!token) return false;
  const given = Buffer.from(token);
  const expected = Buffer.from(adminToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function knownService(deadLetters: DeadLetterQueues) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const service = String(req.params.service);
    if (deadLetters.services.includes(service)) return next();
    throw permanentError(ADMIN_ERRORS.unknownService, 'Not Found', {
      details: {
        detail: `No dead-letter queue for service "${service}"; known: ${deadLetters.services.join(', ')}`,
      },
    });
  };
}

export function parseAdminRequest<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    field: fieldName(issue.path) || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)'),
    message: issue.message,
  }));
  throw new AppError(ADMIN_ERRORS.invalidRequest, 'Bad Request', {
    details: { detail: `Invalid ${errors.map((error) => error.field).join(', ')}`, errors },
  });
}
