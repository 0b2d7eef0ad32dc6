import { HEADERS } from '@shared/messaging';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { waitFor } from '../../../test/support';
import { operationsTestContext, type TestOperations } from './operations-harness';

/** The operations service's /admin/dlq: the dead-letter tooling over HTTP, behind a bearer token. */
describe('the dead-letter admin API on the operations service', () => {
  const TOKEN = 'test-admin-token-0123456789';
  const context = operationsTestContext('admin_api');

  /** Parks events in email.dlq the way the consumer runtime does. */
  const park = (count: number) =>
    Array.from({ length: count }, () => {
      const event = anOrderCompletedEvent();
      context.inspector.channel.sendToQueue(
        `${context.prefix}email.dlq`,
        Buffer.from(JSON.stringify(event)),
        {
          messageId: event.id,
          type: event.type,
          persistent: true,
          headers: {
            [HEADERS.correlationId]: event.correlationId,
            [HEADERS.attempt]: 6,
            [HEADERS.lastError]: 'connect ECONNREFUSED 127.0.0.1:1025',
            [HEADERS.deadLetterReason]: 'retries-exhausted',
            [HEADERS.deadLetteredAt]: new Date().toISOString(),
          },
        },
      );
      return event;
    });

  const call = (operations: TestOperations, path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${operations.baseUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
    });

  test('When the token is missing or wrong, then the answer is 401 and nothing changes; with it, the operations service drains email.dlq into its store and replays exactly the chosen dead letter', async () => {
    const operations = await context.start({ ADMIN_TOKEN: TOKEN });
    // It connects in the background; once connected, its topology (and email.dlq) exists.
    await waitFor('operations connected to RabbitMQ', () => operations.broker.connected);
    const [chosen] = park(3);
    const email = { dlq: `${context.prefix}email.dlq`, work: `${context.prefix}email.order-completed` };
    type Page = { items: { id: string; orderId: string }[]; total: number };
    const stored = async () =>
      (await (await call(operations, '/admin/dlq/email', { token: TOKEN })).json()) as Page;
    await waitFor('three dead letters stored', async () => (await stored()).total === 3);
    expect(await context.inspector.depth(email.dlq)).toBe(0);
    const id = (await stored()).items.find(({ orderId }) => orderId === chosen!.data.orderId)!.id;

    for (const token of [undefined, 'wrong-token-wrong-token']) {
      const refused = await call(operations, '/admin/dlq/email/replay', {
        method: 'POST',
        body: JSON.stringify({ ids: [id] }),
        token,
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await stored()).total).toBe(3);
    expect(await context.database.prisma.deadLetterAction.count()).toBe(0);

    const listed = await call(operations, '/admin/dlq', { token: TOKEN });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'email', parked: 3, arriving: 0 })]),
    );

    const replay = await call(operations, '/admin/dlq/email/replay', {
      method: 'POST',
      token: TOKEN,
      body: JSON.stringify({ ids: [id] }),
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ replayed: 1, ids: [id] });
    const [replayed] = await context.inspector.take(email.work, 1);
    expect(replayed!.properties.messageId).toBe(chosen!.id);
    expect((await stored()).total).toBe(2);
    expect(
      await context.database.prisma.deadLetterAction.findMany({
        select: { action: true, messageId: true, actor: true },
      }),
    ).toEqual([{ action: 'replay', messageId: chosen!.id, actor: 'admin-api' }]);
  });

  test('When no ADMIN_TOKEN is configured, then the admin API does not exist', async () => {
    const operations = await context.start();

    expect((await call(operations, '/admin/dlq', { token: TOKEN })).status).toBe(404);
  });

  test('When RabbitMQ is unreachable, then the dead letters are still read from the store, and a replay answers 503 with Retry-After', async () => {
    const operations = await context.start({
      ADMIN_TOKEN: TOKEN,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:1',
    });

    const summary = await call(operations, '/admin/dlq', { token: TOKEN });
    const search = await call(operations, '/admin/dlq/email', { token: TOKEN });
    const replay = await call(operations, '/admin/dlq/email/replay', {
      method: 'POST',
      token: TOKEN,
      body: JSON.stringify({ ids: ['00000000-0000-4000-8000-000000000000'] }),
    });

    expect(summary.status).toBe(200);
    expect(await summary.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'email', arriving: null })]),
    );
    expect(search.status).toBe(200);
    expect(replay.status).toBe(503);
    expect(replay.headers.get('retry-after')).toBe('5');
  });

  test.each([['GET /admin/dlq/{service} with a malformed percent-encoding', '/admin/dlq/%E0%A4%A']])(
    'When %s is asked for, then it answers 400 or 404 problem+json, never 500',
    async (_case, path) => {
      const operations = await context.start({ ADMIN_TOKEN: TOKEN });

      const response = await call(operations, path, { token: TOKEN });

      expect([400, 404]).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    },
  );
});
