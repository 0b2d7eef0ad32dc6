import { ADMIN_ERRORS } from '@shop/contracts/operations-api';
import { permanentError } from '@shop/shared/errors';
import { hasBearerToken } from '@shop/shared/http';
import type { NextFunction, Request, Response } from 'express';

/** The actor recorded in the audit log for everything done through the API. */
export const ADMIN_API_ACTOR = 'admin-api';

export const actorOf = (named: string | undefined) =>
  named ? `${named} via ${ADMIN_API_ACTOR}` : ADMIN_API_ACTOR;

/** Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`; 404 for all when no token is set. */
export function requireAdmin(adminToken: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!adminToken) throw permanentError(ADMIN_ERRORS.off, 'Not Found');
    if (!hasBearerToken(req, adminToken)) {
      throw permanentError(ADMIN_ERRORS.unauthorized, 'Unauthorized', {
        details: { detail: 'Send Authorization: Bearer <ADMIN_TOKEN>' },
      });
    }
    next();
  };
}
