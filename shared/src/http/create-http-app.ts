import { randomUUID } from 'node:crypto';
import express, { type Express as ExpressApp, type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import { AppError } from '../errors';
import type { Logger } from '../logging';
import { httpRequestDuration, registry } from '../metrics';
import { sendProblem } from './problem';

export const CORRELATION_HEADER = 'x-correlation-id';

export interface HttpAppOptions {
  logger: Logger;
  /** Each dependency's reachability; /readyz answers 503 when any is false. */
  readiness: () => Promise<Record<string, boolean>>;
  /** Adds the service's own routes. */
  routes: (app: ExpressApp) => void;
  /** Maps error codes (AppError.code) to HTTP statuses; only the HTTP layer knows statuses. */
  statusOf?: Record<string, number>;
  /** Largest accepted JSON body. */
  bodyLimit?: string;
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
 * An Express app with what every service shares: a correlation id and a
 * request logger per request, JSON bodies, /healthz, /readyz, /metrics, and
 * problem+json for every error, so no error ever leaves as an HTML page.
 */
export function createHttpApp(options: HttpAppOptions): ExpressApp {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const given = req.get(CORRELATION_HEADER);
    req.correlationId = given && given.length <= 200 ? given : randomUUID();
    res.set(CORRELATION_HEADER, req.correlationId);
    next();
  });
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req) => (req as Request).correlationId,
      customProps: (req) => ({ correlationId: (req as Request).correlationId }),
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
    }),
  );
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
  app.use(express.json({ limit: options.bodyLimit ?? '100kb' }));
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await options.readiness().catch(() => ({ readiness: false }));
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  options.routes(app);

  app.use((req, res) => {
    sendProblem(res, { status: 404, title: 'Not Found', detail: `No route for ${req.method} ${req.path}` });
  });
  app.use(errorToProblem(options.statusOf ?? {}));
  return app;
}

/** body-parser's error types for what the client sent wrong. */
const CLIENT_ERRORS: Record<string, { status: number; title: string }> = {
  'entity.parse.failed': { status: 400, title: 'Malformed JSON' },
  'entity.too.large': { status: 413, title: 'Request body too large' },
  'encoding.unsupported': { status: 415, title: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, title: 'Unsupported charset' },
};

function errorToProblem(statusOf: Record<string, number>) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const clientError = CLIENT_ERRORS[(error as { type?: string }).type ?? ''];
    if (clientError) {
      return sendProblem(res, { ...clientError, detail: (error as Error).message });
    }
    if (error instanceof AppError && statusOf[error.code]) {
      const status = statusOf[error.code]!;
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
