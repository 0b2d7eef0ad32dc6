import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppError } from '@shared/core/errors';
import type { EventEnvelope } from '@shared/messaging';
import { verifyWebhook } from '../domain/webhook-signature';
import { createWebhookClient } from './webhook-client';
import { ENDPOINT_UNAVAILABLE, REJECTED } from './webhook-errors';

const secret = `whsec_${Buffer.from('a key of thirty-two bytes, for us').toString('base64')}`;

/** An endpoint on loopback that answers as `answer` says and keeps what it was sent. */
async function endpoint(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks?token=private`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const anEvent = (): EventEnvelope => ({
  id: randomUUID(),
  type: 'checkout.order.completed',
  version: 1,
  occurredAt: new Date().toISOString(),
  correlationId: 'corr-1',
  data: { orderId: randomUUID(), totalCents: 2400 },
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the delivery to fail');
    },
    (error: AppError) => ({ code: error.code, retryable: error.retryable, message: error.message }),
  );

describe('the webhook client', () => {
  const servers: { close: () => Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const start = async (answer: (req: IncomingMessage, res: ServerResponse) => void) => {
    const server = await endpoint(answer);
    servers.push(server);
    return server;
  };

  test('When the endpoint answers 204, then the event is delivered, signed, as its envelope, and the report names only the host', async () => {
    const server = await start((_req, res) => res.writeHead(204).end());
    const event = anEvent();

    const delivered = await createWebhookClient({ url: server.url, secret, timeoutMs: 2_000 }).deliver(
      event,
      new AbortController().signal,
    );

    const [{ headers, body }] = server.received as [{ headers: Record<string, string>; body: string }];
    expect(delivered).toEqual({ deliveryId: event.id, endpoint: new URL(server.url).host, statusCode: 204 });
    expect(JSON.parse(body)).toEqual(event);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe(event.id);
    expect(verifyWebhook(secret, body, headers)).toEqual({ valid: true, id: event.id });
  });

  test.each([408, 429, 500, 503])(
    'When the endpoint answers %i, then the failure is ENDPOINT_UNAVAILABLE and retryable, with its words',
    async (status) => {
      const server = await start((_req, res) => res.writeHead(status).end('busy'));

      const failure = await failureOf(
        createWebhookClient({ url: server.url, secret, timeoutMs: 2_000 }).deliver(
          anEvent(),
          new AbortController().signal,
        ),
      );

      expect(failure).toEqual({
        code: ENDPOINT_UNAVAILABLE,
        retryable: true,
        message: `${new URL(server.url).host} answered ${status}: busy`,
      });
    },
  );

  test.each([400, 401, 404, 422, 301])(
    'When the endpoint answers %i, then the failure is REJECTED and permanent',
    async (status) => {
      const server = await start((_req, res) =>
        res.writeHead(status, { location: '/elsewhere' }).end('no such order'),
      );

      const failure = await failureOf(
        createWebhookClient({ url: server.url, secret, timeoutMs: 2_000 }).deliver(
          anEvent(),
          new AbortController().signal,
        ),
      );

      expect(failure).toMatchObject({ code: REJECTED, retryable: false });
      expect(failure.message).toContain(`answered ${status}`);
      expect(server.received).toHaveLength(1);
    },
  );

  test('When nothing listens on the port, then the failure is ENDPOINT_UNAVAILABLE, retryable, and says ECONNREFUSED', async () => {
    const closed = await endpoint((_req, res) => res.end());
    const url = closed.url;
    await closed.close();

    const failure = await failureOf(
      createWebhookClient({ url, secret, timeoutMs: 2_000 }).deliver(anEvent(), new AbortController().signal),
    );

    expect(failure).toMatchObject({ code: ENDPOINT_UNAVAILABLE, retryable: true });
    expect(failure.message).toContain('ECONNREFUSED');
  });

  test('When the endpoint drops the connection, then the failure is ENDPOINT_UNAVAILABLE and retryable', async () => {
    const server = await start((req) => req.socket.destroy());

    const failure = await failureOf(
      createWebhookClient({ url: server.url, secret, timeoutMs: 2_000 }).deliver(
        anEvent(),
        new AbortController().signal,
      ),
    );

    expect(failure).toMatchObject({ code: ENDPOINT_UNAVAILABLE, retryable: true });
    expect(failure.message).toContain('could not be reached');
  });

  test('When the endpoint does not answer within WEBHOOK_TIMEOUT_MS, then the failure is ENDPOINT_UNAVAILABLE and names the timeout', async () => {
    const server = await start(() => {});

    const failure = await failureOf(
      createWebhookClient({ url: server.url, secret, timeoutMs: 200 }).deliver(
        anEvent(),
        new AbortController().signal,
      ),
    );

    expect(failure).toEqual({
      code: ENDPOINT_UNAVAILABLE,
      retryable: true,
      message: `${new URL(server.url).host} did not answer within 200 ms`,
    });
  });
});
