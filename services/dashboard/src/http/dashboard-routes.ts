import { addRoute, isUuid, type ParsedRequest } from '@shared/http';
import express, { type Express, type RequestHandler, type Response } from 'express';
import type { LiveFeed } from '../live/live-feed';
import { auditLog, deadLetterDetail, deadLetterList, deadLetterPreview } from '../views/dead-letters-view';
import { type Html, html } from '../views/html';
import { orderDetail, ordersTable } from '../views/orders-view';
import { dashboardPage, signInPage } from '../views/page-view';
import { checkOrigin, requireCsrf } from './csrf';
import { DASHBOARD_ROUTES } from './dashboard-api';
import type { DashboardDeps } from './dashboard-deps';
import { bodyOf, invalidRequest } from './dashboard-errors';
import { regions, stream } from './live-stream';
import { requireOperator, requireSession } from './require-session';
import { clearSessionCookie, sessionOf, setSessionCookie } from './session-cookie';
import type { Session } from './sessions';
import { signInLimit } from './sign-in-limit';

const DEAD_LETTER_PAGE = 100;
const AUDIT_PAGE = 50;
const HEX_PREFIX = /^[0-9a-f]{8,}$/i;

/** The page, sign-in and sign-out, the live stream, and the fragments and actions behind /api (dashboard-api.ts describes each). */
export function dashboardRoutes(deps: DashboardDeps) {
  const { sessions, feed, checkout, operations, tasks } = deps;
  const known = [knownService(deps)];
  return (app: Express) => {
    if (deps.trustProxy > 0) app.set('trust proxy', deps.trustProxy);
    app.use(express.urlencoded({ extended: false, limit: '64kb' }));

    addRoute(app, DASHBOARD_ROUTES.page, (_input, req, res) => {
      const session = sessionOf(req, sessions);
      res.set('cache-control', 'no-store');
      if (!session) return void res.type('html').send(String(signInPage()));
      res
        .type('html')
        .send(
          String(dashboardPage(session.role, session.csrfToken, regions(feed.latest, session.role, tasks))),
        );
    });

    addRoute(
      app,
      DASHBOARD_ROUTES.signIn,
      ({ body: { token } }, req, res) => {
        const role = sessions.roleOf(token);
        if (!role) {
          return void res
            .status(401)
            .type('html')
            .send(String(signInPage('That token is not valid.')));
        }
        setSessionCookie(req, res, sessions.open(role));
        res.redirect(303, '/');
      },
      [
        signInLimit,
        (req, _res, next) => {
          checkOrigin(req);
          next();
        },
      ],
    );

    addRoute(
      app,
      DASHBOARD_ROUTES.signOut,
      (_input, req, res) => {
        sessions.close((res.locals.session as Session).id);
        clearSessionCookie(req, res);
        res.redirect(303, '/');
      },
      [requireSession(sessions), requireCsrf],
    );

    app.use('/api', requireSession(sessions));

    addRoute(app, DASHBOARD_ROUTES.stream, (_input, req, res) => stream(req, res, deps));

    addRoute(app, DASHBOARD_ROUTES.session, (_input, _req, res) => {
      res.json({ role: (res.locals.session as Session).role });
    });

    addRoute(app, DASHBOARD_ROUTES.searchOrders, async ({ query: { q } }, _req, res) => {
      if (q === '') return void res.type('html').send('');
      if (isUuid(q)) {
        const answer = await checkout.order(q);
        const found = answer.ok
          ? { ok: true as const, body: [answer.body] }
          : answer.status === 404
            ? { ok: true as const, body: [] }
            : answer;
        return void send(res, ordersTable(found, tasks, `Orders matching ${q}`));
      }
      const byEmail = q.includes('@');
      if (!byEmail && !HEX_PREFIX.test(q)) {
        throw invalidRequest([
          { field: 'q', message: 'Enter an order id (8 or more hex characters) or an email address' },
        ]);
      }
      const answer = await checkout.searchOrders(byEmail ? { email: q } : { id: q }, 50);
      // A checkout without search answers its recent orders instead; narrowing here keeps the result right.
      const matches = answer.ok
        ? {
            ok: true as const,
            body: answer.body.filter((order) =>
              byEmail
                ? order.customer.email.toLowerCase() === q.toLowerCase()
                : order.id.startsWith(q.toLowerCase()),
            ),
          }
        : answer;
      send(res, ordersTable(matches, tasks, `Orders matching ${q}`));
    });

    addRoute(app, DASHBOARD_ROUTES.order, async ({ params }, _req, res) => {
      const order = bodyOf(await checkout.order(params.id));
      send(res, orderDetail(order, tasks));
    });

    addRoute(
      app,
      DASHBOARD_ROUTES.deadLetters,
      async ({ params: { service }, query: filter }, _req, res) => {
        const answer = await operations.deadLetters(service, filter, DEAD_LETTER_PAGE);
        const session = res.locals.session as Session;
        send(res, deadLetterList(service, answer, filter, session.role === 'operator'));
      },
      known,
    );

    addRoute(
      app,
      DASHBOARD_ROUTES.deadLetter,
      async ({ params: { service, id } }, _req, res) => {
        const item = bodyOf(await operations.deadLetter(service, id));
        send(res, deadLetterDetail(service, item, (res.locals.session as Session).role === 'operator'));
      },
      known,
    );

    addRoute(app, DASHBOARD_ROUTES.audit, async (_input, _req, res) => {
      send(res, auditLog(await operations.audit(AUDIT_PAGE)));
    });

    const act = [requireCsrf, requireOperator, ...known];
    addRoute(
      app,
      DASHBOARD_ROUTES.preview,
      async ({ params: { service }, query: { scope }, body }, _req, res) => {
        send(
          res,
          deadLetterPreview(bodyOf(await operations.preview(service, 'replay', chosen(scope, body)))),
        );
      },
      act,
    );

    addRoute(
      app,
      DASHBOARD_ROUTES.replay,
      async ({ params: { service }, query: { scope }, body }, _req, res) => {
        const { replayed, skipped } = bodyOf(
          await operations.replay(service, {
            ids: chosen(scope, body),
            rate: deps.replayRate,
            actor: 'dashboard',
          }),
        );
        await acted(res, feed, `Replayed ${replayed} dead letter(s) of ${service}.${skippedNote(skipped)}`);
      },
      act,
    );

    addRoute(
      app,
      DASHBOARD_ROUTES.discard,
      async ({ params: { service }, query: { scope }, body }, _req, res) => {
        const ids = chosen(scope, body);
        if (!body.reason) throw invalidRequest([{ field: 'reason', message: 'A discard needs a reason' }]);
        const { discarded, skipped } = bodyOf(
          await operations.discard(service, { ids, reason: body.reason, actor: 'dashboard' }),
        );
        await acted(res, feed, `Discarded ${discarded} dead letter(s) of ${service}.${skippedNote(skipped)}`);
      },
      act,
    );

    addRoute(
      app,
      DASHBOARD_ROUTES.consumer,
      async ({ params: { service, action } }, _req, res) => {
        bodyOf(await operations.setPaused(service, action === 'pause'));
        await acted(res, feed, `${action === 'pause' ? 'Paused' : 'Resumed'} ${service}.`);
      },
      act,
    );
  };
}

/** The dead letters an action is about: the ticked ones (or the detail's one), or exactly those shown. */
function chosen(
  scope: 'one' | 'selected' | 'shown',
  body: ParsedRequest<typeof DASHBOARD_ROUTES.replay>['body'],
): string[] {
  const field = scope === 'shown' ? 'shown' : 'ids';
  const ids = body[field];
  if (ids.length === 0) {
    throw invalidRequest([
      { field, message: scope === 'shown' ? 'No dead letter is shown' : 'Tick at least one dead letter' },
    ]);
  }
  return ids;
}

/** What an action's answer says of the chosen dead letters it left alone (settled meanwhile). */
function skippedNote(skipped: unknown[]): string {
  return skipped.length > 0 ? ` ${skipped.length} were no longer parked and were left as they are.` : '';
}

/** Lets a request through only for a service with a dead-letter queue. */
function knownService(deps: DashboardDeps): RequestHandler {
  return (req, _res, next) => {
    if (deps.services.includes(String(req.params.service))) return next();
    throw invalidRequest([
      { field: 'service', message: `Unknown service; known: ${deps.services.join(', ')}` },
    ]);
  };
}

/** An action's answer: a status line, an event that refreshes the list and audit log, and a fresh snapshot. */
async function acted(res: Response, feed: LiveFeed, message: string) {
  await feed.refresh();
  res.set('HX-Trigger', 'dead-letters-changed');
  send(res, html`${message}`);
}

function send(res: Response, fragment: Html) {
  res.set('cache-control', 'no-store').type('html').send(String(fragment));
}
