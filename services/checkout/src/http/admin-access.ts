import { ADMIN_ERRORS } from '@shop/contracts/operations-api';
import { permanentError } from '@shop/shared/errors';
import { hasBearerToken } from '@shop/shared/http';
import type { NextFunction, Request, Response } from 'express';

/**
 * Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`;
 * 404 for all when no token is set. Listing orders is the operators' one
 * route of checkout's, behind the same token as the operations service's API.
 */
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
