import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { maskCardNumbers } from '@shared/core/logging';
import { contextFrom, SpanKind, startSpan, tracingEnabled, withContext } from '@shared/core/tracing';
import type { Request, RequestHandler, Response } from 'express';

/** Probes and scrapes, every few seconds from every prober: not worth a trace each. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A server span per request, the child of the caller's `traceparent` when it
 * sends a valid one (a malformed one is ignored: the request starts a new
 * trace and is answered as if it had sent none). `middleware` opens it as the
 * request arrives, runs the rest of the request inside it (body-parser's
 * raw-body keeps the context across the body's arrival), and ends it when
 * the answer has gone; without tracing it only calls `next`. `logFields`
 * gives the request's trace and span ids, for its log lines.
 */
export function traceRequests() {
  const fields = new WeakMap<Request, { traceId: string; spanId: string }>();
  const middleware: RequestHandler = (req, res, next) => {
    if (!tracingEnabled() || UNTRACED.has(req.path)) return next();
    const { span, context } = startSpan(req.method, {
      kind: SpanKind.SERVER,
      parent: contextFrom(req.headers),
      // The path as logs show it: a card number pasted into a URL is masked, never exported.
      attributes: { 'http.request.method': req.method, 'url.path': maskCardNumbers(req.path) },
    });
    const { traceId, spanId } = span.spanContext();
    fields.set(req, { traceId, spanId });
    res.once('close', () => endRequestSpan(span, req, res));
    withContext(context, next);
  };
  return { middleware, logFields: (req: Request) => fields.get(req) };
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
