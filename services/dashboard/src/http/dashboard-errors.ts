import { AppError, permanentError } from '@shared/core/errors';
import { fieldName } from '@shared/http';
import type { ShopErrorCode } from '@shop/contracts/errors';
import type { z } from 'zod';
import type { Answer } from '../sources/service-api';

export const DASHBOARD_ERRORS = {
  invalidRequest: 'DASHBOARD.INVALID_REQUEST',
  signInRequired: 'DASHBOARD.SIGN_IN_REQUIRED',
  readOnly: 'DASHBOARD.READ_ONLY',
  csrfRejected: 'DASHBOARD.CSRF_REJECTED',
  notFound: 'DASHBOARD.NOT_FOUND',
  tooManySignIns: 'DASHBOARD.TOO_MANY_SIGN_INS',
  upstreamFailed: 'DASHBOARD.UPSTREAM_FAILED',
} as const satisfies Record<string, ShopErrorCode>;

export function invalidRequest(errors: { field: string; message: string }[]) {
  return new AppError(DASHBOARD_ERRORS.invalidRequest, 'Bad Request', {
    details: { detail: errors.map((error) => `${error.field}: ${error.message}`).join('; '), errors },
  });
}

/** Validates `input`, or throws a 400 naming every offending field. */
export function parse<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidRequest(
    result.error.issues.map((issue) => ({
      field: fieldName(issue.path) || '(body)',
      message: issue.message,
    })),
  );
}

/**
 * The body of checkout's or the operations service's answer, or the error the
 * dashboard answers instead: a refusal of bad input stays a 400 with that
 * service's field errors, a missing resource a 404, anything else says the
 * service behind the dashboard failed (502).
 */
export function bodyOf<Body>(answer: Answer<Body>): Body {
  if (answer.ok) return answer.body;
  const { problem } = answer;
  const details = {
    detail: problem.detail ?? problem.title,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
  if (answer.status === 400) throw new AppError(DASHBOARD_ERRORS.invalidRequest, 'Bad Request', { details });
  if (answer.status === 404) throw permanentError(DASHBOARD_ERRORS.notFound, 'Not Found', { details });
  throw new AppError(DASHBOARD_ERRORS.upstreamFailed, 'Bad Gateway', { details });
}
