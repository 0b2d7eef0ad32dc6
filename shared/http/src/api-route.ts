import { permanentError } from '@shared/core/errors';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { REQUEST_INVALID } from './error-table';
import { fieldName } from './field-name';

/** An offending field of a request: `items[0].quantity`, `Idempotency-Key`... */
export interface FieldError {
  field: string;
  message: string;
}

/** One answer a route gives when it succeeds. */
export interface ApiAnswer {
  description: string;
  /** The JSON body's schema (the output side of the zod schema). */
  body?: z.ZodType;
  /** The media type when the body is not JSON: `application/pdf`, `text/html`... */
  contentType?: string;
  /** Response headers worth naming, with what each means. */
  headers?: Record<string, string>;
}

/**
 * One HTTP route, described once: Express serves it through `addRoute`, which
 * validates the request with these schemas, and the OpenAPI document is
 * generated from the same object, so the two cannot disagree.
 */
export interface ApiRoute {
  method: 'get' | 'post';
  /** In OpenAPI's form, `/orders/{id}`; Express gets `/orders/:id`. */
  path: string;
  /** One line: what the route is. */
  summary: string;
  /** What it does, who may call it, and what it changes, for a reader of the document who has not read the code. */
  description: string;
  /** Groups routes in the reference page; the API's `tags` (or the HTTP app's) describe each. */
  tag?: string;
  /**
   * The credentials the route asks for, by their name in the API's `auth`; it answers 401 without
   * them. Absent: anyone may call it, which the document states as `security: []`.
   */
  auth?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers by their name as sent (`Idempotency-Key`). */
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** The body's media type; `application/json` unless said. */
  bodyType?: string;
  /** The error a request the schemas refuse is answered with, given every offending field. */
  invalid?: (errors: FieldError[]) => Error;
  /** The successful answers by status. */
  answers: Record<number, ApiAnswer>;
  /** The error codes (keys of the service's error table) the route answers with, as problem+json. */
  errors?: readonly string[];
}

/** A service's HTTP API: what its reference page calls it, its credentials, and its own routes. */
export interface ApiDescription {
  title: string;
  version: string;
  description: string;
  /** The credentials routes name in `auth`, as OpenAPI security scheme objects. */
  auth?: Record<string, Record<string, unknown>>;
  /** What each tag its routes name groups, by tag. */
  tags?: Record<string, string>;
  /** The service's own routes; every service also has the HTTP app's (health, metrics, these docs). */
  routes: readonly ApiRoute[];
}

/** Keeps a route's literal types, so `addRoute` knows what its handler receives. */
export const defineRoute = <Route extends ApiRoute>(route: Route): Route => route;

type Parsed<Schema> = Schema extends z.ZodType ? z.output<Schema> : Record<string, never>;

/** What a route's handler receives: the request's parts, parsed by the route's schemas. */
export interface ParsedRequest<Route extends ApiRoute> {
  params: Parsed<Route['params']>;
  query: Parsed<Route['query']>;
  headers: Parsed<Route['headers']>;
  body: Parsed<Route['body']>;
}

export type RouteHandler<Route extends ApiRoute> = (
  input: ParsedRequest<Route>,
  req: Request,
  res: Response,
) => unknown;

/** `/orders/{id}` as Express writes it: `/orders/:id`. */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * Registers `route` on `router`: `before` (authentication, a rate limit...),
 * then the handler with the request parsed by the route's own schemas. A
 * request they refuse never reaches the handler: it is answered with the
 * route's `invalid` error, naming every offending field.
 */
export function addRoute<Route extends ApiRoute>(
  router: Router,
  route: Route,
  handler: RouteHandler<Route>,
  before: RequestHandler[] = [],
): void {
  const headerNames = Object.keys(route.headers?.shape ?? {});
  router[route.method](expressPath(route.path), ...before, async (req: Request, res: Response) => {
    const errors: FieldError[] = [];
    const parse = (schema: z.ZodType | undefined, value: unknown) => {
      if (!schema) return {};
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        const field =
          fieldName(issue.path) || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
        errors.push({ field: field || '(body)', message: issue.message });
      }
      return undefined;
    };
    const input = {
      params: parse(route.params, req.params),
      query: parse(route.query, req.query),
      headers: parse(route.headers, Object.fromEntries(headerNames.map((name) => [name, req.get(name)]))),
      body: parse(route.body, req.body ?? {}),
    } as ParsedRequest<Route>;
    if (errors.length > 0) throw (route.invalid ?? invalidRequest)(errors);
    await handler(input, req, res);
  });
}

/** The answer to a refused request when its route names no error of its own: 400, naming every field. */
export const invalidRequest = (errors: FieldError[]) =>
  permanentError(REQUEST_INVALID, 'The request is invalid', { details: { errors } });
