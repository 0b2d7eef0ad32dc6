import type { Express } from 'express';
import type { OpenApiDocument } from './openapi';

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  /** Set on a layer mounted at the root (`app.use(router)`): router 2's Layer. */
  slash?: boolean;
}

/**
 * Every route the Express app registers, as `get /orders/{id}`: read from its
 * router's stack, routers mounted at the root included. A router mounted
 * under a path is refused rather than guessed at: mount routers at the root
 * and give their routes full paths.
 */
export function registeredRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = String(layer.route.path);
        if (/[{}*]/.test(path))
          throw new Error(`The route ${path} uses a path syntax the documents do not describe`);
        for (const method of Object.keys(layer.route.methods).filter((name) => name !== '_all')) {
          routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle.stack) {
        if (!layer.slash) throw new Error('A router is mounted under a path; mount it at the root');
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

/** Every operation of an OpenAPI document, as `get /orders/{id}`. */
export function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations as object).map((method) => `${method} ${path}`),
  );
}

/**
 * Throws unless the app serves exactly the routes its document describes:
 * a route registered without a description would be missing from the
 * document, and a description without a route would promise what is not
 * served. createHttpApp runs it on every app it builds.
 */
export function assertRoutesDocumented(app: Express, document: OpenApiDocument): void {
  const registered = registeredRoutes(app);
  const documented = documentedRoutes(document);
  const undocumented = registered.filter((route) => !documented.includes(route));
  const unserved = documented.filter((route) => !registered.includes(route));
  if (undocumented.length === 0 && unserved.length === 0) return;
  throw new Error(
    `${document.info.title}'s routes and its OpenAPI document disagree. ` +
      [
        undocumented.length > 0 ? `Registered without a description: ${undocumented.join(', ')}.` : '',
        unserved.length > 0 ? `Described but not registered: ${unserved.join(', ')}.` : '',
      ]
        .filter(Boolean)
        .join(' ') +
      ' Register routes with addRoute and list them in the service API description.',
  );
}
