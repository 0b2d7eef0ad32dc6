import { permanentError } from '@shared/core/errors';
import { requireBearerToken } from '@shared/http';
import { ADMIN_ERRORS, adminInvalidRequest } from './operations-errors';

/** What every operators' route shares: its tag, the admin token, and its refusals without one. */
export const ADMIN = {
  tag: 'admin',
  auth: 'adminToken',
  invalid: adminInvalidRequest,
} as const;
export const ADMIN_REFUSALS = [ADMIN_ERRORS.off, ADMIN_ERRORS.unauthorized] as const;

/**
 * The guard of every operators' route (the operations service's API and
 * checkout's order list): `Authorization: Bearer <ADMIN_TOKEN>`, and 404 for
 * all when no token is set.
 */
export const requireAdmin = (adminToken: string | undefined) =>
  requireBearerToken(adminToken, {
    off: () => permanentError(ADMIN_ERRORS.off, 'Not Found'),
    unauthorized: () =>
      permanentError(ADMIN_ERRORS.unauthorized, 'Unauthorized', {
        details: { detail: 'Send Authorization: Bearer <ADMIN_TOKEN>' },
      }),
  });
