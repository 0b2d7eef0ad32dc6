import { AppError } from '@shared/core/errors';
import { z } from 'zod';
import type { ApiAnswer, ApiDescription, ApiRoute } from './api-route';
import { type ErrorTable, REQUEST_INVALID, RUNTIME_ERROR_ANSWERS } from './error-table';
import { HTTP_APP_ROUTES, HTTP_APP_TAGS, METRICS_AUTH, METRICS_SECURITY_SCHEME } from './http-app-routes';
import { problemSchema } from './problem-schema';

/** The OpenAPI document of one service, as JSON. */
export interface OpenApiDocument {
  openapi: string;
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  paths: Record<string, unknown>;
  [key: string]: unknown;
}

type JsonObject = Record<string, unknown>;

const PROBLEM = { $ref: '#/components/schemas/Problem' };

/** The project's licence (package.json), which its API documents share. */
const LICENSE = { name: 'MIT', identifier: 'MIT' };

/**
 * The OpenAPI 3.1 document of a service's routes, generated from the zod
 * schemas its routes validate with (zod's own `z.toJSONSchema`: OpenAPI 3.1
 * uses JSON Schema 2020-12, zod's default target). Requests are described by
 * what a client sends (the schemas' input side), answers by what the service
 * sends (their output side). Each error code a route names becomes a
 * problem+json answer with the status the error table gives it. The HTTP
 * app's own routes (health, metrics, these docs) follow the service's.
 * Every operation states who may call it: its security scheme, or
 * `security: []` for a public route, so a reader never has to guess.
 * https://spec.openapis.org/oas/v3.1.1.html
 */
export function openApiDocument(api: ApiDescription, errors: ErrorTable): OpenApiDocument {
  const routes = [...api.routes, ...Object.values(HTTP_APP_ROUTES)];
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route, errors) };
  }
  const tagDescriptions: Record<string, string> = { ...HTTP_APP_TAGS, ...api.tags };
  const tags = [...new Set(routes.flatMap((route) => (route.tag ? [route.tag] : [])))];
  return {
    openapi: '3.1.1',
    info: { title: api.title, version: api.version, description: api.description, license: LICENSE },
    // Relative: the document describes the server it is read from.
    servers: [{ url: '/' }],
    tags: tags.map((name) => {
      const description = tagDescriptions[name];
      if (!description)
        throw new Error(`${api.title} names the tag ${name}, which its \`tags\` do not describe`);
      return { name, description };
    }),
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
      securitySchemes: { ...api.auth, [METRICS_AUTH]: METRICS_SECURITY_SCHEME },
    },
  };
}

function operation(route: ApiRoute, errors: ErrorTable): JsonObject {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...parametersOf(route.headers, 'header'),
  ];
  return {
    operationId: operationId(route),
    summary: route.summary,
    description: route.description,
    ...(route.tag ? { tags: [route.tag] } : {}),
    security: route.auth ? [{ [route.auth]: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            // addRoute parses an absent body as {}: required when {} is refused.
            required: !route.body.safeParse({}).success,
            content: { [route.bodyType ?? 'application/json']: { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.answers).map(([status, answer]) => [status, successResponse(answer)]),
      ),
      ...errorResponses(route, { ...RUNTIME_ERROR_ANSWERS, ...errors }),
      // What the app answers before any route runs, for every route alike (createHttpApp's clientProblem).
      '4XX': {
        description:
          'The request could not be read: malformed JSON or percent-encoding (400), a body over the limit (413), a body whose media type, encoding or charset the route does not take (415), and the like. Problem details without a `code`',
        content: { 'application/problem+json': { schema: PROBLEM } },
      },
      default: {
        description:
          'Any other failure, such as a 500 with `code` `INTERNAL` (its cause is in the service log)',
        content: { 'application/problem+json': { schema: PROBLEM } },
      },
    },
  };
}

/** `get /orders/{id}` gives `getOrdersById`. */
function operationId(route: ApiRoute): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
      return parameter ? `By-${parameter}` : segment;
    });
  return [route.method, ...words]
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
}

function parametersOf(schema: z.ZodObject | undefined, location: 'path' | 'query' | 'header'): JsonObject[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    ...(description ? { description } : {}),
    schema: property,
  }));
}

function successResponse(answer: ApiAnswer): JsonObject {
  const media = answer.contentType ?? 'application/json';
  return {
    description: answer.description,
    ...(answer.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(answer.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    ...(answer.body || answer.contentType
      ? { content: { [media]: answer.body ? { schema: jsonSchema(answer.body, 'output') } : {} } }
      : {}),
  };
}

/**
 * One problem+json answer per status the route's error codes map to, the
 * codes named in its description. A route with schemas also answers the
 * error its `invalid` throws (REQUEST.INVALID unless it names its own).
 */
function errorResponses(route: ApiRoute, errors: ErrorTable): Record<string, JsonObject> {
  const codes = new Set(route.errors ?? []);
  if (route.params || route.query || route.headers || route.body) codes.add(invalidCode(route));
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const answer = errors[code];
    if (!answer) throw new Error(`${route.method} ${route.path} names ${code}, which the error table lacks`);
    byStatus.set(answer.status, [...(byStatus.get(answer.status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => {
      const retryAfter = statusCodes.some((code) => errors[code]?.retryAfter);
      const challenge = statusCodes.map((code) => errors[code]?.authenticate).find(Boolean);
      const headers = {
        ...(retryAfter
          ? { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } }
          : {}),
        ...(challenge ? { 'WWW-Authenticate': { schema: { type: 'string', const: challenge } } } : {}),
      };
      return [
        String(status),
        {
          description: `Problem details; \`code\` is ${statusCodes.map((code) => `\`${code}\``).join(' or ')}`,
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
          content: { 'application/problem+json': { schema: PROBLEM } },
        },
      ];
    }),
  );
}

/** The code of the error a route answers a refused request with. */
function invalidCode(route: ApiRoute): string {
  const error = route.invalid?.([{ field: 'example', message: 'example' }]);
  return error instanceof AppError ? error.code : REQUEST_INVALID;
}

/** A zod schema as JSON Schema 2020-12, without the `$schema` key a document's schemas do not repeat. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...converted } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return converted;
}
