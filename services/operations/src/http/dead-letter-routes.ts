import { permanentError } from '@shared/core/errors';
import { addRoute } from '@shared/http';
import type { DeadLetterFilter, DeadLetters } from '@shared/operations';
import {
  ADMIN_ERRORS,
  deadLetterNotFound,
  OPERATIONS_ROUTES,
  requireAdmin,
} from '@shop/contracts/operations-api';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { actorOf } from './operator-access';

/**
 * The operators' API over the dead-letter store, behind
 * `Authorization: Bearer <ADMIN_TOKEN>`; without a configured token every
 * route answers 404, as if absent (contracts/src/operations-api describes each route).
 *
 *   GET  /admin/dlq                          every service: parked, oldest, arriving
 *   GET  /admin/dlq/:service?filters         search, a page at a time
 *   GET  /admin/dlq/:service/messages/:id    one dead letter with its headers and body
 *   POST /admin/dlq/:service/preview         the dry run of a replay or discard
 *   POST /admin/dlq/:service/replay          { ids, rate?, actor? }
 *   POST /admin/dlq/:service/discard         { ids, reason, actor? }
 *   GET  /admin/audit?service&order&limit    replays, discards, pauses, resumes, newest first
 *
 * The `npm run dlq` CLI and the dashboard are clients of it, so every action
 * is audited here.
 */
export function deadLetterRoutes(deadLetters: DeadLetters, adminToken: string | undefined): Router {
  const router = Router();
  router.use('/admin', requireAdmin(adminToken));
  const known = [knownService(deadLetters)];

  addRoute(router, OPERATIONS_ROUTES.deadLetterQueues, async (_input, _req, res) => {
    res.json(await deadLetters.summary());
  });

  addRoute(
    router,
    OPERATIONS_ROUTES.deadLetters,
    async ({ params, query: { limit, after, ...filter } }, _req, res) => {
      const page = await deadLetters.search(params.service, filterOf(filter), { limit, after });
      res.json({ ...page, items: page.items.map(withOrderId) });
    },
    known,
  );

  addRoute(
    router,
    OPERATIONS_ROUTES.deadLetter,
    async ({ params: { service, id } }, _req, res) => {
      const found = await deadLetters.read(service, id);
      if (!found) throw deadLetterNotFound(id);
      res.json(withOrderId(found));
    },
    known,
  );

  addRoute(
    router,
    OPERATIONS_ROUTES.preview,
    async ({ params: { service }, body: { action, ids, filter, limit } }, _req, res) => {
      const selection = ids ? { ids } : { filter: filterOf(filter ?? {}), limit };
      res.json(await deadLetters.preview(service, action, selection));
    },
    known,
  );

  addRoute(
    router,
    OPERATIONS_ROUTES.replay,
    async ({ params: { service }, body: { ids, rate, actor: named } }, _req, res) => {
      res.json(await deadLetters.replay(service, ids, { actor: actorOf(named), ratePerSecond: rate }));
    },
    known,
  );

  addRoute(
    router,
    OPERATIONS_ROUTES.discard,
    async ({ params: { service }, body: { ids, reason, actor: named } }, _req, res) => {
      res.json(await deadLetters.discard(service, ids, { actor: actorOf(named), reason }));
    },
    known,
  );

  addRoute(router, OPERATIONS_ROUTES.audit, async ({ query: { order, ...query } }, _req, res) => {
    const entries = await deadLetters.history({ ...query, subject: order });
    res.json(entries.map(withOrderId));
  });

  return router;
}

/** The API's filter fields as the store's filter. */
function filterOf(query: {
  state?: DeadLetterFilter['state'];
  order?: string | undefined;
  type?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}): DeadLetterFilter {
  const { state, order, type, code, error, since, until } = query;
  return {
    ...(state ? { state } : {}),
    ...(order ? { subject: order } : {}),
    ...(type ? { type } : {}),
    ...(code ? { errorCode: code } : {}),
    ...(error ? { errorContains: error } : {}),
    ...(since ? { since: new Date(since) } : {}),
    ...(until ? { until: new Date(until) } : {}),
  };
}

/** A dead letter or audit entry as the API shows it: the subject under the shop's name for it. */
function withOrderId<Item extends { subject: string | null }>({ subject, ...item }: Item) {
  return { ...item, orderId: subject };
}

function knownService(deadLetters: DeadLetters) {
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
