import { type IncomingMessage, request } from 'node:http';
import { createLogger } from '@shared/core/logging';
import { type ApiDescription, defineRoute } from './api-route';
import { createHttpApp, type HttpAppOptions } from './create-http-app';
import { type RunningServer, startHttpServer } from './start-http-server';

const TEST_API: ApiDescription = {
  title: 'test',
  version: '1.0.0',
  description: 'Echoes',
  routes: [
    defineRoute({
      method: 'post',
      path: '/echo',
      summary: 'The body back',
      description: 'Answers the JSON body it was sent',
      answers: { 200: { description: 'It' } },
    }),
    defineRoute({
      method: 'get',
      path: '/things/{name}',
      summary: 'A thing',
      description: 'Answers the thing named',
      answers: { 200: { description: 'It' } },
    }),
  ],
};

/** The app every service builds, on port 0, with one route that echoes a JSON body. */
describe('the HTTP app every service builds', () => {
  const logger = createLogger('test', 'silent');
  let server: RunningServer;
  let baseUrl: string;

  const start = async (options: Partial<HttpAppOptions> = {}) => {
    const app = createHttpApp({
      logger,
      readiness: async () => ({}),
      api: TEST_API,
      routes: (app) => {
        app.post('/echo', (req, res) => {
          res.json(req.body ?? null);
        });
        app.get('/things/:name', (req, res) => {
          res.json({ name: req.params.name });
        });
      },
      ...options,
    });
    server = await startHttpServer(app, 0, logger);
    baseUrl = `http://127.0.0.1:${server.port}`;
  };

  afterEach(async () => {
    await server?.close();
  });

  const postJson = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  test('When a path segment is not valid percent-encoding, then it answers 400 problem+json, not 500', async () => {
    await start();

    for (const name of ['%E0%A4%A', '%ED%A0%80', '%']) {
      const response = await fetch(`${baseUrl}/things/${name}`);

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ detail: 'The path is not valid percent-encoding' });
    }
  });

  test('When a body claims a content encoding it does not have, then it answers 400 problem+json, not 500', async () => {
    await start();

    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await postJson('{"a":1}', { 'content-encoding': encoding });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  test('When malformed JSON carries a card number, then the 400 does not quote it', async () => {
    await start();

    for (const body of [
      '"4242424242424242',
      '{"payment":{"cardNumber":"4242424242424242"},}',
      '4242424242424242x',
    ]) {
      const response = await postJson(body);

      expect(response.status).toBe(400);
      const answer = await response.text();
      expect(answer).not.toContain('4242424242424242');
      expect(JSON.parse(answer)).toMatchObject({
        title: 'Malformed JSON',
        detail: 'The body is not valid JSON',
      });
    }
  });

  test('When /docs names a file the reference page does not have, then it answers the 404 its document lists, with its code', async () => {
    await start();

    const response = await fetch(`${baseUrl}/docs/secrets.txt`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'DOCS.FILE_NOT_FOUND' });
  });

  test('When even GET /healthz carries a malformed JSON body, then it answers 400 problem+json, the 4XX every operation documents', async () => {
    await start();

    // fetch sends no body with a GET; node:http does, given its length.
    const body = '{"status":';
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
      const req = request(`${baseUrl}/healthz`, { headers }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    answer.resume();

    expect(answer.statusCode).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('When a path matches no route, then the 404 names neither the path nor anything in it', async () => {
    await start();

    const response = await fetch(`${baseUrl}/nowhere/4111111111111111/%3Cscript%3E`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const answer = await response.text();
    expect(answer).not.toContain('nowhere');
    expect(answer).not.toContain('4111111111111111');
    expect(answer).not.toContain('script');
    expect(JSON.parse(answer)).toMatchObject({ status: 404, title: 'Not Found' });
  });

  test.each([
    ['a JSON answer', 'GET', '/things/mug'],
    ['a 404 problem', 'GET', '/nowhere'],
    ['/healthz', 'GET', '/healthz'],
    ['a 400 problem from the body parser', 'POST', '/echo'],
  ])(
    'When the app answers with %s, then the answer carries the security headers',
    async (_case, method, path) => {
      await start();

      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{' } : {}),
      });

      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    },
  );

  test('When a service sets no body limit, then a JSON body over 1 kB answers 413 problem+json', async () => {
    await start();

    const small = await postJson(JSON.stringify({ note: 'x'.repeat(900) }));
    const large = await postJson(JSON.stringify({ note: 'x'.repeat(1_100) }));

    expect(small.status).toBe(200);
    expect(large.status).toBe(413);
    expect(large.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await large.json()).toMatchObject({
      detail: "The body is over this service's limit of 1024 bytes",
    });
  });

  test('When the headers and URL are over 16 KiB, then Node refuses them with 431 before the app runs', async () => {
    await start();

    const longHeader = await fetch(`${baseUrl}/healthz`, { headers: { 'x-padding': 'x'.repeat(17 * 1024) } });
    const longUrl = await fetch(`${baseUrl}/things/${'x'.repeat(17 * 1024)}`);

    expect(longHeader.status).toBe(431);
    expect(longUrl.status).toBe(431);
  });

  test('When a client puts a card number in the URL, then the request log line masks it', async () => {
    const lines: string[] = [];
    await start({
      logger: createLogger('test', 'info', 'json', { write: (line: string) => lines.push(line) }),
    });

    await fetch(`${baseUrl}/things/4242424242424242?card=4000000000000002`);

    const requestLine = lines.map((line) => JSON.parse(line)).find((entry) => entry.req);
    expect(requestLine.req.url).toBe('/things/[card number]?card=[card number]');
    expect(lines.join('\n')).not.toMatch(/4242424242424242|4000000000000002/);
  });
});
