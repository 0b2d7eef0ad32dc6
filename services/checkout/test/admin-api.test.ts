import { HEADERS } from '@shop/shared/messaging';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { QueueInspector, uniquePrefix, waitFor } from '../../../test/support';
import { createTestDatabase, startTestCheckout, type TestCheckout, topologyFor } from './checkout-harness';

/** Checkout's /admin/dlq: the dead-letter tooling over HTTP, behind a bearer token. */
describe('the dead-letter admin API on checkout', () => {
  const TOKEN = 'test-admin-token-0123456789';
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let inspector: QueueInspector;
  let prefix: string;
  let checkout: TestCheckout | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('admin_api');
    inspector = await QueueInspector.open();
  });

  beforeEach(() => {
    prefix = uniquePrefix('checkout-admin');
  });

  afterEach(async () => {
    await checkout?.stop();
    checkout = undefined;
    await inspector.deleteTopology(topologyFor(prefix));
  });

  afterAll(async () => {
    await inspector.close();
    await database.drop();
  });

  /** Parks events in email.dlq the way the consumer runtime does. */
  const park = (count: number) =>
    Array.from({ length: count }, () => {
      const event = anOrderCompletedEvent();
      inspector.channel.sendToQueue(`${prefix}email.dlq`, Buffer.from(JSON.stringify(event)), {
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
      });
      return event;
    });

  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${checkout!.baseUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
    });

  test('When the token is missing or wrong, then the answer is 401 and nothing changes; with it, exactly the filtered message is replayed', async () => {
    checkout = await startTestCheckout({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      ADMIN_TOKEN: TOKEN,
    });
    // Checkout connects in the background; once connected, its topology (and email.dlq) exists.
    await waitFor('checkout connected to RabbitMQ', () => checkout!.broker.connected);
    const [chosen] = park(3);
    const email = { dlq: `${prefix}email.dlq`, work: `${prefix}email.order-completed` };
    await waitFor('three parked messages', async () => (await inspector.depth(email.dlq)) === 3);

    for (const token of [undefined, 'wrong-token-wrong-token']) {
      const refused = await call('/admin/dlq/email/replay', { method: 'POST', body: '{}', token });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(await inspector.depth(email.dlq)).toBe(3);
    expect(await database.prisma.deadLetterAction.count()).toBe(0);

    const listed = await call('/admin/dlq', { token: TOKEN });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'email', depth: 3 })]),
    );

    const replay = await call('/admin/dlq/email/replay', {
      method: 'POST',
      token: TOKEN,
      body: JSON.stringify({ orderId: chosen!.data.orderId }),
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ replayed: 1, ids: [chosen!.id] });
    const [replayed] = await inspector.take(email.work, 1);
    expect(replayed!.properties.messageId).toBe(chosen!.id);
    expect(await inspector.depth(email.dlq)).toBe(2);
    expect(
      await database.prisma.deadLetterAction.findMany({
        select: { action: true, messageId: true, actor: true },
      }),
    ).toEqual([{ action: 'replay', messageId: chosen!.id, actor: 'admin-api' }]);
  });

  test('When no ADMIN_TOKEN is configured, then the admin API does not exist', async () => {
    checkout = await startTestCheckout({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix });

    expect((await call('/admin/dlq', { token: TOKEN })).status).toBe(404);
  });

  test('When RabbitMQ is unreachable, then the admin API answers 503 with Retry-After', async () => {
    checkout = await startTestCheckout({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      ADMIN_TOKEN: TOKEN,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:1',
    });

    const answer = await call('/admin/dlq', { token: TOKEN });

    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
  });
});
