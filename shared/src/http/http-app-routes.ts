import { z } from 'zod';
import { defineRoute } from './api-route';
import { METRICS_OFF, METRICS_UNAUTHORIZED } from './error-table';

/** The credentials /metrics asks for, in every service's document. */
export const METRICS_AUTH = 'metricsToken';

/** How the OpenAPI documents describe METRICS_TOKEN. */
export const METRICS_SECURITY_SCHEME = {
  type: 'http',
  scheme: 'bearer',
  description: "METRICS_TOKEN, the scraper's; without one configured, /metrics answers 404",
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
    answers: { 200: { description: 'Alive', body: z.object({ status: z.literal('ok') }) } },
  }),
  readyz: defineRoute({
    method: 'get',
    path: '/readyz',
    tag: 'operations',
    summary: 'Ready: every dependency (database, broker) is reachable',
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
      "Prometheus's text format; a client that accepts only `application/json` gets the same series in prom-client's JSON shape. Only for the scraper: it needs `Authorization: Bearer <METRICS_TOKEN>`, and answers 404 while no METRICS_TOKEN is configured.",
    answers: { 200: { description: 'The metrics', contentType: 'text/plain' } },
    errors: [METRICS_OFF, METRICS_UNAUTHORIZED],
  }),
  openApi: defineRoute({
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document: the OpenAPI 3.1 description of this service',
    answers: { 200: { description: 'The OpenAPI document', body: z.looseObject({ openapi: z.string() }) } },
  }),
  docs: defineRoute({
    method: 'get',
    path: '/docs',
    tag: 'operations',
    summary: 'The API reference page, rendered from /openapi.json',
    answers: {
      200: { description: 'An HTML page; its assets are served under /docs/', contentType: 'text/html' },
    },
  }),
  docsAsset: defineRoute({
    method: 'get',
    path: '/docs/{file}',
    tag: 'operations',
    summary: "The reference page's scripts, styles and icon",
    params: z.object({ file: z.string() }),
    answers: {
      200: { description: 'A script, a style sheet or the icon', contentType: 'application/octet-stream' },
    },
    errors: [],
  }),
} as const;
