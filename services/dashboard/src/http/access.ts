import { AppError, permanentError } from '@shared/core/errors';
import { parse as parseCookies } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { DASHBOARD_ERRORS } from './dashboard-errors';
import { type Session, type Sessions, sameSecret } from './sessions';

export const SESSION_COOKIE = 'dashboard_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The signed-in session of a request, or undefined. */
export function sessionOf(req: Request, sessions: Sessions): Session | undefined {
  return sessions.find(parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE]);
}

/**
 * httpOnly: no script reads it; SameSite=Strict: no other site's page sends
 * it; Secure whenever the browser came over https (directly, or through a
 * trusted TLS-terminating proxy).
 */
export function setSessionCookie(req: Request, res: Response, session: Session) {
  res.cookie(SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/',
  });
}

export function clearSessionCookie(req: Request, res: Response) {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** Every /api route: 401 problem+json without a session; the session is then `res.locals.session`. */
export function requireSession(sessions: Sessions) {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = sessionOf(req, sessions);
    if (!session) {
      throw permanentError(DASHBOARD_ERRORS.signInRequired, 'Unauthorized', {
        details: { detail: 'Sign in at / first' },
      });
    }
    res.locals.session = session;
    next();
  };
}

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

/** Every action: an operator's session; a viewer's is refused (403). */
export function requireOperator(_req: Request, res: Response, next: NextFunction) {
  if ((res.locals.session as Session).role !== 'operator') {
    throw permanentError(DASHBOARD_ERRORS.readOnly, 'Forbidden', {
      details: { detail: 'This session is read-only (VIEWER_TOKEN)' },
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

/** Guessing tokens: 20 sign-in attempts per address per 15 minutes. */
export const signInLimit = rateLimit({
  windowMs: 15 * 60_000,
  limit: 20,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  handler: (_req, _res, next) =>
    next(
      new AppError(DASHBOARD_ERRORS.tooManySignIns, 'Too Many Requests', {
        details: { detail: 'Try again later' },
      }),
    ),
});
