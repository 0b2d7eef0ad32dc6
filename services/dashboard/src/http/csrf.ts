import { permanentError } from '@shared/core/errors';
import type { NextFunction, Request, Response } from 'express';
import { DASHBOARD_ERRORS } from './dashboard-errors';
import { type Session, sameSecret } from './sessions';

export const CSRF_HEADER = 'x-csrf-token';

/**
 * Every POST of a signed-in page: the session's CSRF token in the
 * X-CSRF-Token header (htmx sends it) or the csrfToken field of a plain form,
 * and no foreign Origin. The SameSite=Strict cookie already keeps other
 * sites' requests unauthenticated; the token also stops a same-site page
 * (another app on a sibling host) from acting.
 */
export function requireCsrf(req: Request, res: Response, next: NextFunction) {
  const session = res.locals.session as Session;
  checkOrigin(req);
  const given = req.get(CSRF_HEADER) ?? (typeof req.body?.csrfToken === 'string' ? req.body.csrfToken : '');
  if (!given || !sameSecret(given, session.csrfToken)) {
    throw permanentError(DASHBOARD_ERRORS.csrfRejected, 'Forbidden', {
      details: { detail: `Send the page's token in ${CSRF_HEADER}` },
    });
  }
  next();
}

/**
 * A browser names the page a POST comes from; one from another origin is
 * refused. The dashboard's own origin is the scheme and host the browser used:
 * behind a trusted proxy (TRUST_PROXY), X-Forwarded-Proto and -Host.
 */
export function checkOrigin(req: Request) {
  const origin = req.get('origin');
  if (origin === undefined || origin === `${req.protocol}://${req.host}`) return;
  throw permanentError(DASHBOARD_ERRORS.csrfRejected, 'Forbidden', {
    details: { detail: `Requests from ${origin} are not accepted` },
  });
}
