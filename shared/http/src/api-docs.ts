import { permanentError } from '@shared/core/errors';
import escapeHtml from 'escape-html';
import type { Router } from 'express';
import { addRoute } from './api-route';
import { DOCS_FILE_NOT_FOUND } from './error-table';
import { HTTP_APP_ROUTES } from './http-app-routes';
import type { OpenApiDocument } from './openapi';

/**
 * Swagger UI's standalone bundle, served from node_modules by the service
 * itself: the page loads nothing from another origin, so it works offline and
 * under helmet's CSP (`script-src 'self'`). The bundle is large (1.7 MB) but
 * read only by someone who opens /docs.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': require.resolve('swagger-ui-dist/swagger-ui.css'),
  'swagger-ui-bundle.js': require.resolve('swagger-ui-dist/swagger-ui-bundle.js'),
  // Named, or the browser asks for /favicon.ico, which no service has.
  'favicon.png': require.resolve('swagger-ui-dist/favicon-32x32.png'),
};

/**
 * Starts Swagger UI on the document. A file of its own rather than an inline
 * script, which the CSP forbids. Relative URLs, so the page also works behind
 * a path prefix. No validator badge: it would send the document to
 * swagger.io.
 */
const START_SCRIPT = `SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
});
`;

const page = (title: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)}: API reference</title>
    <link rel="icon" type="image/png" href="docs/favicon.png">
    <link rel="stylesheet" href="docs/swagger-ui.css">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/start.js"></script>
  </body>
</html>
`;

/** GET /openapi.json, the service's document; GET /docs, its reference page, and the page's assets. */
export function serveApiDocs(app: Router, document: OpenApiDocument): void {
  const html = page(document.info.title);
  addRoute(app, HTTP_APP_ROUTES.openApi, (_input, _req, res) => {
    res.json(document);
  });
  addRoute(app, HTTP_APP_ROUTES.docs, (_input, _req, res) => {
    res.type('html').send(html);
  });
  addRoute(app, HTTP_APP_ROUTES.docsAsset, ({ params }, _req, res) => {
    if (params.file === 'start.js') return void res.type('js').send(START_SCRIPT);
    const path = Object.hasOwn(ASSETS, params.file) ? ASSETS[params.file] : undefined;
    if (!path) {
      throw permanentError(DOCS_FILE_NOT_FOUND, 'Not Found', {
        details: { detail: 'No such file of the reference page' },
      });
    }
    res.sendFile(path, { maxAge: '1h' });
  });
}
