import { timingSafeEqual } from 'node:crypto';
import type { DeadLetterQueues } from '@shop/shared/dead-letters';
import { permanentError } from '@shop/shared/errors';
import { addRoute } from '@shop/shared/http';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { ADMIN_ERRORS } from './admin-errors';
import { CHECKOUT_ROUTES } from './checkout-api';

/** The actor recorded in the audit log for everything done through the API. */
export const ADMIN_API_ACTOR = 'admin-api';

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
  const known = [knownService(deadLetters)];

  addRoute(router, CHECKOUT_ROUTES.deadLetterQueues, async (_input, _req, res) => {
    res.json(await deadLetters.list());
  });

  addRoute(
    router,
    CHECKOUT_ROUTES.deadLetters,
    async ({ params, query: { order, error, limit } }, _req, res) => {
      const parked = await deadLetters.show(params.service, { limit, errorContains: error, subject: order });
      res.json(parked.map(parkedRepresentation));
    },
    known,
  );

  addRoute(
    router,
    CHECKOUT_ROUTES.deadLetter,
    async ({ params: { service, messageId } }, _req, res) => {
      const parked = await deadLetters.read(service, messageId);
      if (!parked) {
        throw permanentError(ADMIN_ERRORS.messageNotFound, 'Not Found', {
          details: { detail: `No message ${messageId} in the dead-letter queue of ${service}` },
        });
      }
      res.json(parkedRepresentation(parked));
    },
    known,
  );

  addRoute(router, CHECKOUT_ROUTES.audit, async ({ query: { order, ...query } }, _req, res) => {
    const entries = await deadLetters.history({ ...query, subject: order });
    res.json(entries.map(parkedRepresentation));
  });

  addRoute(
    router,
    CHECKOUT_ROUTES.replay,
    async ({ params, body: { rate, orderId, actor: named, ...filter } }, _req, res) => {
      res.json(
        await deadLetters.replay(
          params.service,
          { ...filter, subject: orderId },
          { actor: actorOf(named), ratePerSecond: rate },
        ),
      );
    },
    known,
  );

  addRoute(
    router,
    CHECKOUT_ROUTES.discard,
    async ({ params, body: { reason, orderId, actor: named, ...filter } }, _req, res) => {
      res.json(
        await deadLetters.discard(
          params.service,
          { ...filter, subject: orderId },
          { actor: actorOf(named), reason },
        ),
      );
    },
    known,
  );

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
