import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { AppError, permanentError } from '@shared/core/errors';
import { type Logger, maskCardNumbers } from '@shared/core/logging';
import { httpRequestDuration, registry } from '@shared/core/metrics';
import { tracingEnabled } from '@shared/core/tracing';
import express, {
  type Express as ExpressApp,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { serveApiDocs } from './api-docs';
import { type ApiDescription, addRoute } from './api-route';
import { hasBearerToken } from './bearer-token';
import { type ErrorTable, METRICS_OFF, METRICS_UNAUTHORIZED, RUNTIME_ERROR_ANSWERS } from './error-table';
import { HTTP_APP_ROUTES } from './http-app-routes';
import { openApiDocument } from './openapi';
import { type Problem, sendProblem } from './problem';
import { assertRoutesDocumented } from './route-coverage';
import { traceRequests } from './trace-requests';

export const CORRELATION_HEADER = 'x-correlation-id';
/**
 * A caller's correlation id is kept when it is 1 to 200 visible ASCII
 * characters (a UUID, a W3C trace id...). Any other is replaced by a new one,
 * not refused: the id only helps to follow a request, and the answer's
 * header says which one this request got. It travels into events, the
 * database and every log line, so nothing else is let through.
 */
const CORRELATION_ID = /^[!-~]{1,200}$/;

export interface HttpAppOptions {
  logger: Logger;
  /** Each dependency's reachability; /readyz answers 503 when any is false. */
  readiness: () => Promise<Record<string, boolean>>;
  /** Adds the service's own routes, each one of `api`'s (see addRoute). */
  routes: (app: ExpressApp) => void;
  /**
   * The service's routes, described: served as /openapi.json and /docs, and
   * checked against what `routes` registers, so the app refuses to start
   * with a route its document lacks or a description nothing serves.
   */
  api: ApiDescription;
  /** How each error code (AppError.code) is answered; only the HTTP layer reads it. */
  errors?: ErrorTable;
  /** The Retry-After (seconds) of answers the table marks `retryAfter`. */
  retryAfterSeconds?: number;
  /** Largest accepted JSON body; the default suits a service that takes no bodies. */
  bodyLimit?: string;
  /**
   * METRICS_TOKEN: /metrics answers only `Authorization: Bearer <token>`,
   * and 404 while it is unset. The page shows order volume and error rates,
   * and some gauges count tables: it is the scraper's, not the internet's.
   */
  metricsToken?: string | undefined;
}

declare global {
  namespace Express {
    interface Request {
      /** From the x-correlation-id header, or new; it travels into every event this request causes. */
      correlationId: string;
      /** The request's logger (pino-http), carrying the correlation id. Declared here so services see it too. */
      log: Logger;
    }
  }
}

/**
 * An Express app with what every service shares: security headers, a
 * trace span, a correlation id and a request logger per request, JSON bodies, /healthz,
 * /readyz, /metrics, and problem+json for every error, so no error ever
 * leaves as an HTML page.
 */
export function createHttpApp(options: HttpAppOptions): ExpressApp {
  // The runtime's own codes (REQUEST.INVALID...) are answered by every app.
  const errors: ErrorTable = { ...RUNTIME_ERROR_ANSWERS, ...options.errors };
  const document = openApiDocument(options.api, errors);
  const app = express();
  app.disable('x-powered-by');
  // helmet's defaults on every answer, errors included: nosniff keeps a
  // browser from reading JSON as HTML, frame and referrer policies, HSTS for
  // when TLS is terminated in front. Its CSP means nothing to JSON and is
  // harmless there; the receipt route drops it (see the pdf service). It lets
  // /docs load only this origin's scripts; upgrade-insecure-requests is left
  // out so the page still loads them from a service reached over plain HTTP
  // (inside a cluster, on localhost). https://helmetjs.github.io/
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  const tracing = traceRequests();
  app.use(tracing.middleware);
  app.use((req, res, next) => {
    const given = req.get(CORRELATION_HEADER);
    req.correlationId = given !== undefined && CORRELATION_ID.test(given) ? given : randomUUID();
    res.set(CORRELATION_HEADER, req.correlationId);
    next();
  });
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req) => (req as Request).correlationId,
      // Lines a handler logs carry the correlation id, not the whole request;
      // the request's own line says what was asked and answered, no headers
      // and no body. (Writing every header on every line was a quarter of
      // checkout's CPU.) The URL is logged whole, so a card number a client
      // put in it is masked.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'correlationId' },
      serializers: {
        req: (req: { method: string; url: string }) => ({
          method: req.method,
          url: maskCardNumbers(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      // With tracing on (started before the app is built), the request's own line names its
      // trace; without, no bindings are made per request.
      ...(tracingEnabled() ? { customProps: (req: Request) => tracing.logFields(req) ?? {} } : {}),
    }),
  );
  app.use((req, _res, next) => {
    const traced = tracing.logFields(req);
    if (traced) req.log = req.log.child(traced);
    next();
  });
  app.use((req, res, next) => {
    const startedAt = performance.now();
    res.on('finish', () => {
      // The matched route pattern, not the path, keeps the label set bounded.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      httpRequestDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        (performance.now() - startedAt) / 1000,
      );
    });
    next();
  });
  app.use(express.json({ limit: options.bodyLimit ?? '1kb' }));
  addRoute(
    app,
    HTTP_APP_ROUTES.metrics,
    async (_input, req, res) => {
      // Prometheus asks for text; a reader that asks for JSON only (the dashboard) gets the same
      // series in prom-client's own JSON shape, so it needs no text-format parser.
      if (req.accepts(['text/plain', 'application/json']) === 'application/json') {
        res.json(await registry.getMetricsAsJSON());
        return;
      }
      res.type(registry.contentType).send(await registry.metrics());
    },
    [onlyFor(options.metricsToken)],
  );

  addRoute(app, HTTP_APP_ROUTES.healthz, (_input, _req, res) => {
    res.json({ status: 'ok' });
  });
  addRoute(app, HTTP_APP_ROUTES.readyz, async (_input, _req, res) => {
    const checks = await options.readiness().catch(() => ({ readiness: false }));
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  serveApiDocs(app, document);

  options.routes(app);
  assertRoutesDocumented(app, document);

  app.use((_req, res) => {
    // Error answers never quote the request: the path may carry anything, a card number included.
    sendProblem(res, {
      status: 404,
      title: 'Not Found',
      detail: 'No route answers this method and path; /openapi.json lists them',
    });
  });
  app.use(errorToProblem(errors, options.retryAfterSeconds ?? 5));
  return app;
}

/**
 * body-parser's error types for what the client sent wrong. Their messages
 * can quote the body (a JSON syntax error quotes the text around it, which
 * may be a card number), so the answer uses these words instead.
 */
const CLIENT_ERRORS: Record<string, Problem> = {
  'entity.parse.failed': { status: 400, title: 'Malformed JSON', detail: 'The body is not valid JSON' },
  'entity.too.large': { status: 413, title: 'Request body too large', detail: 'The body is over the limit' },
  'encoding.unsupported': {
    status: 415,
    title: 'Unsupported content encoding',
    detail: 'Send the body as identity, gzip, deflate or br',
  },
  'charset.unsupported': { status: 415, title: 'Unsupported charset', detail: 'Send the body in UTF-8' },
};

/**
 * Any other error that Express, its router or body-parser marks as the
 * client's (http-errors' `status` 4xx): a malformed percent-encoding in the
 * path, a body that does not inflate, a Content-Length that does not match,
 * a Range a file cannot satisfy. It is answered with its status, never as a
 * 500, and in words of its own, never the error's message.
 */
function clientProblem(error: unknown): Problem | undefined {
  const { type, status, limit } = (error ?? {}) as { type?: unknown; status?: unknown; limit?: unknown };
  const known = typeof type === 'string' ? CLIENT_ERRORS[type] : undefined;
  if (known && type === 'entity.too.large' && typeof limit === 'number') {
    return { ...known, detail: `The body is over this service's limit of ${limit} bytes` };
  }
  if (known) return known;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const problem: Problem = { status, title: STATUS_CODES[status] ?? 'Client Error' };
  if (error instanceof URIError) problem.detail = 'The path is not valid percent-encoding';
  else if (status === 400) problem.detail = 'The request could not be read';
  return problem;
}

function errorToProblem(errors: ErrorTable, retryAfterSeconds: number) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const clientError = clientProblem(error);
    if (clientError) return sendProblem(res, clientError);
    const answer = error instanceof AppError ? errors[error.code] : undefined;
    if (error instanceof AppError && answer) {
      const { status } = answer;
      if (answer.retryAfter) res.set('Retry-After', String(error.retryAfterSeconds ?? retryAfterSeconds));
      if (answer.authenticate) res.set('WWW-Authenticate', answer.authenticate);
      return sendProblem(res, {
        status,
        title: error.message,
        code: error.code,
        ...(error.details ?? {}),
      });
    }
    req.log.error({ err: error }, 'unhandled error');
    sendProblem(res, {
      status: 500,
      title: 'Internal Server Error',
      detail: 'See the service log',
      code: 'INTERNAL',
    });
  };
}

/** Lets a request through only with the metrics token; without a configured token, /metrics does not exist. */
function onlyFor(metricsToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!metricsToken) {
      throw permanentError(METRICS_OFF, 'Not Found', {
        details: { detail: 'Set METRICS_TOKEN to serve metrics' },
      });
    }
    if (!hasBearerToken(req, metricsToken)) {
      throw permanentError(METRICS_UNAUTHORIZED, 'Unauthorized', {
        details: { detail: 'Send Authorization: Bearer <METRICS_TOKEN>' },
      });
    }
    next();
  };
}
