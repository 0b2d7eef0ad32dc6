import type { z } from 'zod';
import { CONSUMER_ROUTES } from './consumer-routes';
import { DEAD_LETTER_ROUTES } from './dead-letter-routes';

/**
 * The operators' API, described once: the operations service serves these
 * routes (validating with their schemas, its OpenAPI document generated from
 * them), and its clients (the dashboard, the CLIs) read the types of their
 * answers from the same descriptions instead of copies of their own.
 */
export const OPERATIONS_ROUTES = { ...DEAD_LETTER_ROUTES, ...CONSUMER_ROUTES };
export type OperationsRoute = keyof typeof OPERATIONS_ROUTES;

/** What a route of the operators' API answers (200), as its description says. */
export type OperationsAnswer<Route extends OperationsRoute> = (typeof OPERATIONS_ROUTES)[Route] extends {
  answers: { 200: { body: infer Body extends z.ZodType } };
}
  ? z.output<Body>
  : never;

export { ADMIN_ERRORS, adminInvalidRequest, deadLetterNotFound } from './operations-errors';
export { ADMIN, ADMIN_REFUSALS, requireAdmin } from './operator-access';
