import { type Context, type Span, SpanStatusCode } from '@opentelemetry/api';
import type { Request, RequestHandler, Response } from 'express';
import { contextFrom, SpanKind, startSpan, tracingEnabled, withContext } from '../tracing';

/** Probes and scrapes, every few seconds from every prober: not worth a trace each. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A server span per request, the child of the caller's `traceparent` when it
 * sends a valid one (a malformed one is ignored: the request starts a new
 * trace and is answered as if it had sent none). Two middlewares: `start`
 * opens the span as the request arrives and ends it when the answer has
 * gone; `enter` makes it active again once the body is read (body-parser
 * resumes from the socket's stream events, outside the context `start`
 * set), so the route's queries and the outbox row it writes belong to it.
 * Without tracing, both only call `next`.
 */
export function traceRequests(): { start: RequestHandler; enter: RequestHandler } {
  const contexts = new WeakMap<Request, Context>();
  const start: RequestHandler = (req, res, next) => {
    if (!tracingEnabled() || UNTRACED.has(req.path)) return next();
    const { span, context } = startSpan(req.method, {
      kind: SpanKind.SERVER,
      parent: contextFrom(req.headers),
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    });
    contexts.set(req, context);
    res.once('close', () => endRequestSpan(span, req, res));
    withContext(context, next);
  };
  const enter: RequestHandler = (req, _res, next) => {
    const context = contexts.get(req);
    if (context) withContext(context, next);
    else next();
  };
  return { start, enter };
}

/** Names the span after the route once it is known (`POST /orders`, never the raw path), and ends it. */
function endRequestSpan(span: Span, req: Request, res: Response) {
  const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : undefined;
  span.updateName(route ? `${req.method} ${route}` : req.method);
  if (route) span.setAttribute('http.route', route);
  span.setAttribute('http.response.status_code', res.statusCode);
  if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
