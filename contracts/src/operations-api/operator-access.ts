import { ADMIN_ERRORS, adminInvalidRequest } from './operations-errors';

/** What every operators' route shares: its tag, the admin token, and its refusals without one. */
export const ADMIN = {
  tag: 'admin',
  auth: 'adminToken',
  invalid: adminInvalidRequest,
} as const;
export const ADMIN_REFUSALS = [ADMIN_ERRORS.off, ADMIN_ERRORS.unauthorized] as const;
