import { permanentError } from '@shared/core/errors';
import type { NextFunction, Request, Response } from 'express';
import { DASHBOARD_ERRORS } from './dashboard-errors';
import { sessionOf } from './session-cookie';
import type { Session, Sessions } from './sessions';

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

/** Every action: an operator's session; a viewer's is refused (403). */
export function requireOperator(_req: Request, res: Response, next: NextFunction) {
  if ((res.locals.session as Session).role !== 'operator') {
    throw permanentError(DASHBOARD_ERRORS.readOnly, 'Forbidden', {
      details: { detail: 'This session is read-only (VIEWER_TOKEN)' },
    });
  }
  next();
}
