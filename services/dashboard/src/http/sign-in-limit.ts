import { AppError } from '@shared/core/errors';
import { rateLimit } from 'express-rate-limit';
import { DASHBOARD_ERRORS } from './dashboard-errors';

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
