import { permanentError } from '@shared/core/errors';
import { createLogger } from '@shared/core/logging';
import type { Express } from 'express';
import { z } from 'zod';
import { type ApiDescription, addRoute, defineRoute } from './api-route';
import { createHttpApp } from './create-http-app';
import { openApiDocument } from './openapi';
import { type RunningServer, startHttpServer } from './start-http-server';

const logger = createLogger('test', 'silent');
type Operation = Record<string, unknown>;
const ERRORS = { 'THING.NOT_FOUND': { status: 404 }, 'THING.INVALID': { status: 422 } } as const;

const getThing = defineRoute({
  method: 'get',
  path: '/things/{name}',
  summary: 'A thing',
  description: 'The thing named, with the limit it was asked with',
  params: z.object({ name: z.string().regex(/^[a-z]+$/, 'must be lower-case letters') }),
  query: z.object({ limit: z.coerce.number().int().max(10, 'must be at most 10').default(5) }),
  answers: { 200: { description: 'The thing', body: z.object({ name: z.string(), limit: z.number() }) } },
  errors: ['THING.NOT_FOUND'],
});
const postThing = defineRoute({
  method: 'post',
  path: '/things',
  summary: 'Make a thing',
  description: 'Makes a thing of that name',
  body: z.object({ name: z.string().min(1, 'must not be empty') }),
  invalid: (errors) => permanentError('THING.INVALID', 'The thing is invalid', { details: { errors } }),
  answers: { 201: { description: 'Made' } },
});
const API: ApiDescription = {
  title: 'things',
  version: '1.0.0',
  description: 'Things',
  routes: [getThing, postThing],
};

describe('routes described once', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const build = (routes: (app: Express) => void, api: ApiDescription = API) =>
    createHttpApp({ logger, readiness: async () => ({}), api, errors: ERRORS, routes });
  const serve = async () => {
    let calls = 0;
    server = await startHttpServer(
      build((app) => {
        addRoute(app, getThing, ({ params, query }, _req, res) => {
          calls += 1;
          res.json({ name: params.name, limit: query.limit });
        });
        addRoute(app, postThing, (_input, _req, res) => {
          calls += 1;
          res.status(201).end();
        });
      }),
      0,
      logger,
    );
    return { url: `http://127.0.0.1:${server.port}`, calls: () => calls };
  };

  test('When a request passes the schemas, then the handler gets the parsed values', async () => {
    const { url } = await serve();

    const response = await fetch(`${url}/things/mug?limit=3`);

    expect(await response.json()).toEqual({ name: 'mug', limit: 3 });
  });

  test('When a request fails them, then the handler does not run and every field is named', async () => {
    const { url, calls } = await serve();

    const refused = await fetch(`${url}/things/Mug?limit=50`);
    const refusedBody = await fetch(`${url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":""}',
    });

    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      code: 'REQUEST.INVALID',
      errors: [
        { field: 'name', message: 'must be lower-case letters' },
        { field: 'limit', message: 'must be at most 10' },
      ],
    });
    expect(refusedBody.status).toBe(422);
    expect(await refusedBody.json()).toMatchObject({ code: 'THING.INVALID', errors: [{ field: 'name' }] });
    expect(calls()).toBe(0);
  });

  test('When an app registers a route its description lacks, then it is not built', () => {
    expect(() =>
      build((app) => {
        addRoute(app, getThing, () => {});
        addRoute(app, postThing, () => {});
        app.get('/secret', () => {});
      }),
    ).toThrow(/Registered without a description: get \/secret/);
  });

  test('When the description lists a route nothing registers, then the app is not built', () => {
    expect(() => build((app) => addRoute(app, getThing, () => {}))).toThrow(
      /Described but not registered: post \/things/,
    );
  });

  test('When the document is generated, then each route has its parameters, body, answers and error statuses', () => {
    const document = openApiDocument(API, ERRORS) as unknown as {
      openapi: string;
      paths: { '/things/{name}': { get: Operation }; '/things': { post: Operation } } & Record<
        string,
        unknown
      >;
    };
    const get = document.paths['/things/{name}'].get;
    const post = document.paths['/things'].post;

    expect(document.openapi).toBe('3.1.1');
    expect(get.parameters).toEqual([
      expect.objectContaining({ name: 'name', in: 'path', required: true }),
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
    ]);
    expect(Object.keys(get.responses as object)).toEqual(['200', '400', '404', '4XX', 'default']);
    expect(Object.keys(post.responses as object)).toEqual(['201', '422', '4XX', 'default']);
    expect(post.requestBody).toMatchObject({
      content: { 'application/json': { schema: { properties: { name: { type: 'string', minLength: 1 } } } } },
    });
    expect(document.paths['/openapi.json']).toBeDefined();
  });

  test('When a route names credentials, then its operation names their scheme; when it names none, then it says `security: []`', () => {
    const withAuth: ApiDescription = {
      ...API,
      auth: { thingToken: { type: 'http', scheme: 'bearer' } },
      routes: [{ ...postThing, auth: 'thingToken' }, getThing],
    };
    const document = openApiDocument(withAuth, ERRORS) as unknown as {
      paths: Record<string, Record<string, Operation>>;
    };

    expect(document.paths['/things']?.post?.security).toEqual([{ thingToken: [] }]);
    expect(document.paths['/things/{name}']?.get?.security).toEqual([]);
    expect(document.paths['/healthz']?.get?.security).toEqual([]);
    expect(document.paths['/metrics']?.get?.security).toEqual([{ metricsToken: [] }]);
  });

  test('When a route names a tag its API does not describe, then the document is not generated', () => {
    const untold: ApiDescription = { ...API, routes: [{ ...getThing, tag: 'gadgets' }] };

    expect(() => openApiDocument(untold, ERRORS)).toThrow(/names the tag gadgets/);
  });
});
