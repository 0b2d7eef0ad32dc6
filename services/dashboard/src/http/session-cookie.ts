import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';
import type { Session, Sessions } from './sessions';

export const SESSION_COOKIE = 'dashboard_session';

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
