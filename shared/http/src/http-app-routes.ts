import { z } from 'zod';
import { defineRoute } from './api-route';
import { DOCS_FILE_NOT_FOUND, METRICS_OFF, METRICS_UNAUTHORIZED } from './error-table';

/** The credentials /metrics asks for, in every service's document. */
export const METRICS_AUTH = 'metricsToken';

/** How the OpenAPI documents describe METRICS_TOKEN. */
export const METRICS_SECURITY_SCHEME = {
  type: 'http',
  scheme: 'bearer',
  description: "METRICS_TOKEN, the scraper's; without one configured, /metrics answers 404",
};

/** The tag of the HTTP app's routes, described. */
export const HTTP_APP_TAGS = {
  operations:
    'What every service serves beside its own routes: liveness and readiness probes, Prometheus metrics, and this document with its reference page',
};

/**
 * The routes every service's HTTP app has (createHttpApp registers them),
 * described like a service's own, so each service's document lists them too.
 */
export const HTTP_APP_ROUTES = {
  healthz: defineRoute({
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Alive: the process answers',
    description:
      "Liveness, for the orchestrator's probe: 200 as long as the process serves requests. It checks no dependency, so an outage of the database or RabbitMQ never gets the process restarted (that is /readyz's concern). Public; changes nothing, and is left out of the request log.",
    answers: { 200: { description: 'Alive', body: z.object({ status: z.literal('ok') }) } },
  }),
  readyz: defineRoute({
    method: 'get',
    path: '/readyz',
    tag: 'operations',
    summary: 'Ready: every dependency (database, broker) is reachable',
    description:
      "Readiness, for the orchestrator's probe: on every call it checks each dependency the service needs (for most services their database, their RabbitMQ connection, and that their consumers are consuming), and answers 503 while any fails, so no traffic is sent to the process meanwhile. `checks` names each dependency. Public; changes nothing, and is left out of the request log.",
    answers: {
      200: {
        description: 'Every dependency is reachable',
        body: z.object({
          status: z.enum(['ready', 'not ready']),
          checks: z
            .record(z.string(), z.boolean())
            .meta({ description: 'Each dependency: reachable or not' }),
        }),
      },
      503: {
        description: 'A dependency is not reachable; the same body, `status: "not ready"`',
        body: z.object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.boolean()) }),
      },
    },
  }),
  metrics: defineRoute({
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    auth: METRICS_AUTH,
    summary: 'Prometheus metrics',
    description:
      "Prometheus's text format; a client that accepts only `application/json` gets the same series in prom-client's JSON shape. Only for the scraper: it needs `Authorization: Bearer <METRICS_TOKEN>`, and answers 404 while no METRICS_TOKEN is configured. Changes nothing; a gauge that counts a table reads the database at most once a second, however many scrapes come.",
    answers: { 200: { description: 'The metrics', contentType: 'text/plain' } },
    errors: [METRICS_OFF, METRICS_UNAUTHORIZED],
  }),
  openApi: defineRoute({
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document: the OpenAPI 3.1 description of this service',
    description:
      "Generated from the same route descriptions the service validates requests with, so it cannot differ from what the routes do; the repository commits the same document as contracts/openapi/<service>.json. Public: knowing the routes grants nothing, each route's own credentials still guard it (a deployment that would rather not publish it blocks the path at its Ingress).",
    answers: { 200: { description: 'The OpenAPI document', body: z.looseObject({ openapi: z.string() }) } },
  }),
  docs: defineRoute({
    method: 'get',
    path: '/docs',
    tag: 'operations',
    summary: 'The API reference page, rendered from /openapi.json',
    description:
      "Swagger UI on this service's /openapi.json. The service serves the page and its assets itself, so it loads nothing from another origin and works offline; it sends no document to an online validator. Public, like the document.",
    answers: {
      200: { description: 'An HTML page; its assets are served under /docs/', contentType: 'text/html' },
    },
  }),
  docsAsset: defineRoute({
    method: 'get',
    path: '/docs/{file}',
    tag: 'operations',
    summary: "The reference page's scripts, styles and icon",
    description:
      "The files /docs loads: Swagger UI's script and style sheet and its icon, from the service's own installation, and the script that starts it on /openapi.json. Any other name is not found. Public; changes nothing.",
    params: z.object({ file: z.string() }),
    answers: {
      200: { description: 'A script, a style sheet or the icon', contentType: 'application/octet-stream' },
    },
    errors: [DOCS_FILE_NOT_FOUND],
  }),
} as const;
