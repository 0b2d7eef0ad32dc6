import { type ApiDescription, defineRoute } from '@shared/http';
import { z } from 'zod';
import { DASHBOARD_ERRORS, invalidRequest } from './dashboard-errors';

/**
 * The dashboard's routes, described once: Express serves them through
 * addRoute (dashboard-routes.ts, start-dashboard.ts), which validates with
 * these schemas, and its OpenAPI document is generated from them. Most answer
 * HTML fragments for the page (htmx), not JSON.
 */

const html = (description: string) => ({ 200: { description, contentType: 'text/html' } });
const optionalText = (max: number) => z.string().trim().max(max).optional();
/** A time the page's datetime-local input sends (UTC, without a zone), or an ISO time. */
const utcTime = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((value) => (value ? `${value}${/Z|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}` : undefined))
  .refine((value) => value === undefined || !Number.isNaN(Date.parse(value)), 'must be a date and time')
  .transform((value) => (value === undefined ? undefined : new Date(value).toISOString()));
const deadLetterFilter = z.object({
  error: optionalText(1_000),
  order: optionalText(200),
  type: optionalText(200),
  code: optionalText(200),
  since: utcTime,
  until: utcTime,
});
/** Dead-letter ids the form sends, one field or many. */
const idList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((ids) => (ids === undefined ? [] : [ids].flat()).filter(Boolean))
  .pipe(z.array(z.uuid()).max(1_000));
const service = z.object({ service: z.string().meta({ description: 'A service with a dead-letter queue' }) });
const form = 'application/x-www-form-urlencoded';

/**
 * What a replay, discard or preview acts on: `one` or `selected` (the ids in
 * `ids`: the detail's, or the ticked ones), or `shown` (the ids in `shown`:
 * exactly the rows the list showed, whatever else matches its filter by now).
 */
const action = {
  tag: 'actions',
  auth: 'session',
  params: service,
  query: z.object({ scope: z.enum(['one', 'selected', 'shown']) }),
  bodyType: form,
  body: z.object({
    ids: idList,
    shown: idList,
    reason: optionalText(1_000),
    csrfToken: z.string().optional().meta({ description: 'Or the X-CSRF-Token header' }),
  }),
  invalid: invalidRequest,
  answers: html('A status line; HX-Trigger: dead-letters-changed'),
  errors: [
    DASHBOARD_ERRORS.signInRequired,
    DASHBOARD_ERRORS.csrfRejected,
    DASHBOARD_ERRORS.readOnly,
    DASHBOARD_ERRORS.notFound,
    DASHBOARD_ERRORS.upstreamFailed,
  ],
} as const;
const READ = {
  tag: 'page',
  auth: 'session',
  invalid: invalidRequest,
  errors: [DASHBOARD_ERRORS.signInRequired, DASHBOARD_ERRORS.notFound, DASHBOARD_ERRORS.upstreamFailed],
} as const;

export const DASHBOARD_ROUTES = {
  page: defineRoute({
    method: 'get',
    path: '/',
    tag: 'page',
    summary: 'The dashboard, or its sign-in form',
    description:
      "Public: without a session it answers the sign-in form; with one, the dashboard for the session's role (operator or viewer), its regions filled from the latest snapshot and the session's CSRF token in the page for its POSTs. Never cached; changes nothing.",
    answers: html('The page'),
  }),
  asset: defineRoute({
    method: 'get',
    path: '/assets/{file}',
    tag: 'page',
    summary: "The page's scripts and styles, its own and its libraries'",
    description:
      "The dashboard's own script and style sheet and the libraries the page uses (htmx, idiomorph, uPlot), from the dashboard's own installation, so the page loads nothing from another origin. Any other name is not found. Public; changes nothing.",
    params: z.object({ file: z.string() }),
    answers: { 200: { description: 'A script or a style sheet', contentType: 'application/octet-stream' } },
    errors: [DASHBOARD_ERRORS.notFound],
  }),
  signIn: defineRoute({
    method: 'post',
    path: '/sign-in',
    tag: 'session',
    summary: 'Sign in with ADMIN_TOKEN (operator) or VIEWER_TOKEN (read-only)',
    description:
      "Public: the way to a session. The token is compared in constant time with ADMIN_TOKEN (an operator's session) and VIEWER_TOKEN (a viewer's, read-only); a match opens a session in the dashboard's memory and sets its httpOnly, SameSite=Strict cookie. The session ends on sign-out, after SESSION_IDLE_TIMEOUT without a request, or when the dashboard restarts. At most 20 attempts per client address in 15 minutes; a POST from another origin is refused.",
    bodyType: form,
    body: z.object({ token: z.string().default('') }),
    invalid: invalidRequest,
    answers: {
      303: {
        description: 'Signed in: the session cookie, and back to /',
        headers: { 'Set-Cookie': 'The session' },
      },
      401: { description: 'The sign-in form again: the token is not valid', contentType: 'text/html' },
    },
    errors: [DASHBOARD_ERRORS.csrfRejected, DASHBOARD_ERRORS.tooManySignIns],
  }),
  signOut: defineRoute({
    method: 'post',
    path: '/sign-out',
    tag: 'session',
    auth: 'session',
    summary: 'End the session',
    description:
      "Forgets the session and clears its cookie; the page's live stream then ends with `signed-out`. Needs the session and its CSRF token.",
    answers: { 303: { description: 'Signed out, and back to /' } },
    errors: [DASHBOARD_ERRORS.signInRequired, DASHBOARD_ERRORS.csrfRejected],
  }),
  stream: defineRoute({
    ...READ,
    method: 'get',
    path: '/api/stream',
    summary: 'The live regions as server-sent events, at most a second behind',
    description:
      "The page's live regions (queues, recent orders, dead-letter counts, jobs) as HTML fragments for the session's role, and the rate chart's series as JSON, from one feed every open page shares; only the regions that changed are sent. The stream ends with `signed-out` when the session does. Any signed-in session; changes nothing.",
    answers: {
      200: {
        description:
          'Events queues, orders, dead-letter-counts, jobs (HTML), rates (JSON), updated, signed-out',
        contentType: 'text/event-stream',
      },
    },
  }),
  session: defineRoute({
    ...READ,
    method: 'get',
    path: '/api/session',
    summary: "The session's role",
    description:
      "The role of the session the cookie names, for the page's scripts. Any signed-in session; changes nothing.",
    answers: { 200: { description: 'The role', body: z.object({ role: z.enum(['operator', 'viewer']) }) } },
  }),
  searchOrders: defineRoute({
    ...READ,
    method: 'get',
    path: '/api/orders/search',
    summary: 'Orders by id, id prefix (8 or more hex characters) or email',
    description:
      "A whole order id reads that order from checkout; an email or an id prefix lists up to 50 matching orders through checkout's operators' search, which the dashboard calls with its own ADMIN_TOKEN. Any signed-in session, viewers included; changes nothing.",
    query: z.object({ q: z.string().trim().max(320).default('') }),
    answers: html('The orders table'),
  }),
  order: defineRoute({
    ...READ,
    method: 'get',
    path: '/api/orders/{id}',
    summary: 'One order with its tasks and their timelines',
    description:
      'The order as checkout shows it, with every attempt of each fulfillment task. Any signed-in session; changes nothing.',
    params: z.object({ id: z.string() }),
    answers: html("The order's detail"),
  }),
  deadLetters: defineRoute({
    ...READ,
    method: 'get',
    path: '/api/dead-letters/{service}',
    summary: "A service's parked dead letters, filtered",
    description:
      "Up to 100 of the service's parked dead letters from the operations service's store, oldest first, filtered by error text, order, event type, error code or time parked; an operator's list has the boxes and buttons to act on them. Any signed-in session; changes nothing.",
    params: service,
    query: deadLetterFilter,
    answers: html('The list'),
  }),
  deadLetter: defineRoute({
    ...READ,
    method: 'get',
    path: '/api/dead-letters/{service}/messages/{id}',
    summary: 'One dead letter: headers and body',
    description:
      "The dead letter's headers and body as the operations service's store holds them; an operator's view has the replay and discard buttons. Any signed-in session; changes nothing.",
    params: service.extend({ id: z.uuid() }),
    answers: html("The dead letter's detail"),
  }),
  audit: defineRoute({
    ...READ,
    method: 'get',
    path: '/api/audit',
    summary: 'The replays, discards, pauses and resumes, newest first',
    description:
      "The latest 50 entries of the operations service's audit log: who did what to which dead letter or consumer, and why. Any signed-in session; changes nothing.",
    answers: html('The audit log'),
  }),
  preview: defineRoute({
    ...action,
    method: 'post',
    path: '/api/dead-letters/{service}/preview',
    summary: 'The dry run of a replay or discard of the chosen dead letters: nothing is done',
    description:
      "Asks the operations service which of the chosen dead letters are still parked and how they group by event type, error code and reason; `scope` says which are chosen (`one` and `selected`: those in `ids`; `shown`: those in `shown`). Changes nothing. An operator's session with the page's CSRF token; a viewer's session is refused (403).",
    answers: html('What a replay or discard would act on'),
  }),
  replay: defineRoute({
    ...action,
    method: 'post',
    path: '/api/dead-letters/{service}/replay',
    summary: 'Replay exactly the chosen dead letters through the operations service, rate-capped',
    description:
      "Through the operations service's API, each chosen dead letter that is still parked goes back on the service's work queue, at most DASHBOARD_REPLAY_RATE per second, audited with the actor `dashboard`; the status line says how many, and how many were no longer parked. An operator's session with the page's CSRF token; a viewer's session is refused (403).",
  }),
  discard: defineRoute({
    ...action,
    method: 'post',
    path: '/api/dead-letters/{service}/discard',
    summary: 'Discard exactly the chosen dead letters through the operations service, with a reason',
    description:
      "Through the operations service's API, each chosen dead letter that is still parked is discarded for good with the `reason` given (required), audited with the actor `dashboard`. An operator's session with the page's CSRF token; a viewer's session is refused (403).",
  }),
  consumer: defineRoute({
    ...action,
    method: 'post',
    path: '/api/consumers/{service}/{action}',
    summary: 'Pause or resume a consumer on every replica',
    description:
      "Through the operations service's API: on pause every replica of the service stops taking messages and its queue buffers them, on resume they take them again; audited. An operator's session with the page's CSRF token; a viewer's session is refused (403).",
    params: service.extend({ action: z.enum(['pause', 'resume']) }),
    query: undefined,
    body: undefined,
    answers: html('A status line'),
  }),
};

export const DASHBOARD_API: ApiDescription = {
  title: 'dashboard',
  version: '1.0.0',
  description:
    "The operators' page: queues, orders, dead letters and jobs, live. Signed in with the operators' ADMIN_TOKEN (or VIEWER_TOKEN, read-only); every POST carries the session's CSRF token. It acts through the operations service's API, and reads orders from checkout.",
  auth: {
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: 'dashboard_session',
      description:
        "The session POST /sign-in opens: an operator's (ADMIN_TOKEN) or a viewer's (VIEWER_TOKEN)",
    },
  },
  tags: {
    page: 'The page and what it reads: its assets, the live stream, orders, dead letters and the audit log',
    session: 'Signing in with a token, and out',
    actions: "What an operator does to dead letters and consumers, through the operations service's API",
  },
  routes: Object.values(DASHBOARD_ROUTES),
};
