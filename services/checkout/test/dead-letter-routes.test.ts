import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { DeadLetterQueues } from '@shop/shared/dead-letters';
import { createHttpApp, type RunningServer, startHttpServer } from '@shop/shared/http';
import { Broker, HEADERS, type Topology } from '@shop/shared/messaging';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../test/order-events';
import {
  amqpUrl,
  databaseUrl,
  QueueInspector,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';
import { deadLetterAudit } from '../src/data/dead-letter-audit';
import { adminRoutes } from '../src/http/admin-routes';
import { CHECKOUT_API, CHECKOUT_ROUTES } from '../src/http/checkout-api';

const DEAD_LETTER_ROUTES = [
  CHECKOUT_ROUTES.deadLetterQueues,
  CHECKOUT_ROUTES.deadLetters,
  CHECKOUT_ROUTES.deadLetter,
  CHECKOUT_ROUTES.replay,
  CHECKOUT_ROUTES.discard,
  CHECKOUT_ROUTES.audit,
];

/**
 * The admin API over HTTP, as checkout mounts it: the bearer token guards
 * every route, and a filtered replay moves exactly what the filter selects.
 */

const TOKEN = 'admin-token-for-tests-0123456789';

describe('dead-letter admin API', () => {
  let topology: Topology;
  let inspector: QueueInspector;
  let broker: Broker;
  let prisma: PrismaClient;
  let deadLetters: DeadLetterQueues;
  let server: RunningServer;
  let serverWithoutToken: RunningServer;

  const ledger = () => topology.services[0]!;

  const call = (
    path: string,
    init: { method?: string; token?: string; body?: unknown; to?: RunningServer } = {},
  ) =>
    fetch(`http://127.0.0.1:${(init.to ?? server).port}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  async function park(events: OrderCompleted[], error: string) {
    const before = await inspector.depth(ledger().deadLetterQueue);
    for (const event of events) {
      inspector.channel.sendToQueue(ledger().deadLetterQueue, Buffer.from(JSON.stringify(event)), {
        messageId: event.id,
        type: event.type,
        persistent: true,
        headers: {
          [HEADERS.correlationId]: event.correlationId,
          [HEADERS.attempt]: 3,
          [HEADERS.lastError]: error,
          [HEADERS.deadLetterReason]: 'retries-exhausted',
          [HEADERS.deadLetteredAt]: new Date().toISOString(),
        },
      });
    }
    await waitFor(
      'parked',
      async () => (await inspector.depth(ledger().deadLetterQueue)) === before + events.length,
    );
  }

  const serve = (token: string | undefined) =>
    startHttpServer(
      createHttpApp({
        logger: testLogger(),
        readiness: async () => ({}),
        errors: SHOP_ERRORS,
        // Only the dead-letter routes are mounted here, so the document describes only them.
        api: { ...CHECKOUT_API, routes: DEAD_LETTER_ROUTES },
        routes: (app) => app.use(adminRoutes(deadLetters, token)),
      }),
      0,
      testLogger(),
    );

  beforeAll(async () => {
    topology = testTopology(uniquePrefix('dlq-admin'), [
      { service: 'ledger', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    inspector = await QueueInspector.open();
    // Declares the queues; nothing consumes them, so replays can be inspected.
    broker = await Broker.connect({ url: amqpUrl(), topology, logger: testLogger() });
    prisma = createPrismaClient(databaseUrl(), { poolSize: 2 });
    deadLetters = new DeadLetterQueues(broker, deadLetterAudit(prisma), 'orderId');
    server = await serve(TOKEN);
    serverWithoutToken = await serve(undefined);
  });

  beforeEach(async () => {
    await inspector.channel.purgeQueue(ledger().deadLetterQueue);
    await inspector.channel.purgeQueue(ledger().workQueue);
  });

  afterAll(async () => {
    await server.close();
    await serverWithoutToken.close();
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
    await prisma.$disconnect();
  });

  test('When no admin token is configured, then the admin API is off: 404 for every route, even with a token', async () => {
    const response = await call('/admin/dlq', { token: TOKEN, to: serverWithoutToken });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  test('When the token is missing or wrong, then the answer is 401 with WWW-Authenticate and nothing changes', async () => {
    const events = [anOrderCompletedEvent(), anOrderCompletedEvent()];
    await park(events, 'connect ECONNREFUSED');

    const responses = [
      await call('/admin/dlq'),
      await call('/admin/dlq/ledger', { token: 'wrong' }),
      await call('/admin/dlq/ledger/replay', { method: 'POST', body: {} }),
      await call('/admin/dlq/ledger/replay', { method: 'POST', token: `${TOKEN}x`, body: {} }),
      await call('/admin/dlq/ledger/discard', { method: 'POST', token: 'wrong', body: { reason: 'x' } }),
    ];

    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await inspector.depth(ledger().deadLetterQueue)).toBe(2);
    expect(await inspector.depth(ledger().workQueue)).toBe(0);
    expect(
      await prisma.deadLetterAction.count({ where: { messageId: { in: events.map((e) => e.id) } } }),
    ).toBe(0);
  });

  test('When a filtered replay is posted with the token, then exactly the selected messages are replayed and recorded as the admin API', async () => {
    const busy = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    const refused = [anOrderCompletedEvent(), anOrderCompletedEvent()];
    await park(busy, '421 Service not available');
    await park(refused, 'connect ECONNREFUSED');

    const list = await call('/admin/dlq', { token: TOKEN });
    const shown = await call(`/admin/dlq/ledger?order=${refused[0]!.data.orderId}`, { token: TOKEN });
    const replay = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { errorContains: '421', limit: 2, rate: 100 },
    });

    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([expect.objectContaining({ service: 'ledger', depth: 5 })]);
    expect(((await shown.json()) as { messageId: string }[]).map((m) => m.messageId)).toEqual([
      refused[0]!.id,
    ]);
    expect(replay.status).toBe(200);
    const result = (await replay.json()) as { replayed: number; ids: string[] };
    expect(result.replayed).toBe(2);
    const moved = await inspector.take(ledger().workQueue, 2);
    expect(moved.map((m) => m.properties.messageId).sort()).toEqual([...result.ids].sort());
    expect(busy.map((e) => e.id)).toEqual(expect.arrayContaining(result.ids));
    expect(await inspector.depth(ledger().deadLetterQueue)).toBe(3);
    const rows = await prisma.deadLetterAction.findMany({ where: { messageId: { in: result.ids } } });
    expect(rows.map((row) => [row.action, row.actor])).toEqual([
      ['replay', 'admin-api'],
      ['replay', 'admin-api'],
    ]);
  });

  test('When one message is read, then it comes with its headers and body; a message not parked is a 404', async () => {
    const [event] = [anOrderCompletedEvent()];
    await park([event!], 'connect ECONNREFUSED');

    const found = await call(`/admin/dlq/ledger/messages/${event!.id}`, { token: TOKEN });
    const missing = await call('/admin/dlq/ledger/messages/not-parked', { token: TOKEN });

    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({
      messageId: event!.id,
      orderId: event!.data.orderId,
      attempts: 3,
      lastError: 'connect ECONNREFUSED',
      headers: { [HEADERS.deadLetterReason]: 'retries-exhausted' },
      body: { id: event!.id, data: { orderId: event!.data.orderId } },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('DEAD_LETTERS.MESSAGE_NOT_FOUND');
    expect(await inspector.depth(ledger().deadLetterQueue)).toBe(1);
  });

  test('When chosen message ids are replayed and discarded, then exactly those move, and the audit log lists both actions newest first', async () => {
    const parked = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    await park(parked, 'connect ECONNREFUSED');

    const replay = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { messageIds: [parked[2]!.id], rate: 100, actor: 'ada' },
    });
    const discard = await call('/admin/dlq/ledger/discard', {
      method: 'POST',
      token: TOKEN,
      body: { messageIds: [parked[0]!.id], reason: 'test order', actor: 'ada' },
    });
    const audit = await call(`/admin/audit?service=ledger&limit=2`, { token: TOKEN });

    expect(await replay.json()).toEqual({ replayed: 1, ids: [parked[2]!.id] });
    expect(await discard.json()).toEqual({ discarded: 1, ids: [parked[0]!.id] });
    const moved = await inspector.take(ledger().workQueue, 1);
    expect(moved.map((message) => message.properties.messageId)).toEqual([parked[2]!.id]);
    expect(await inspector.depth(ledger().deadLetterQueue)).toBe(1);
    expect(audit.status).toBe(200);
    expect(await audit.json()).toEqual([
      expect.objectContaining({
        action: 'discard',
        messageId: parked[0]!.id,
        orderId: parked[0]!.data.orderId,
        actor: 'ada via admin-api',
        reason: 'test order',
        lastError: 'connect ECONNREFUSED',
      }),
      expect.objectContaining({ action: 'replay', messageId: parked[2]!.id, reason: null }),
    ]);
  });

  test('When a request is malformed or names an unknown service, then 400 names the field, 404 the service, and nothing changes', async () => {
    await park([anOrderCompletedEvent()], 'connect ECONNREFUSED');

    const badLimit = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { limit: -1 },
    });
    const noReason = await call('/admin/dlq/ledger/discard', { method: 'POST', token: TOKEN, body: {} });
    const unknown = await call('/admin/dlq/nope/replay', { method: 'POST', token: TOKEN, body: {} });
    const noIds = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { messageIds: [] },
    });
    const badAuditLimit = await call('/admin/audit?limit=0', { token: TOKEN });

    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('limit');
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('reason');
    expect(unknown.status).toBe(404);
    expect(noIds.status).toBe(400);
    expect(((await noIds.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('messageIds');
    expect(badAuditLimit.status).toBe(400);
    expect(((await badAuditLimit.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('limit');
    expect(await inspector.depth(ledger().deadLetterQueue)).toBe(1);
  });

  test.each([
    ['discard', 'reason', { reason: 'customer\u0000cancelled' }],
    ['discard', 'actor', { reason: 'customer cancelled', actor: 'ops\ud800' }],
    ['replay', 'actor', { actor: 'ops\u001b[31m' }],
    ['replay', 'orderId', { orderId: '\u0000' }],
  ])(
    'When a %s names its %s with a control character or a lone surrogate, then 400 names the field and the message stays parked',
    async (action, field, body) => {
      const events = [anOrderCompletedEvent()];
      await park(events, 'connect ECONNREFUSED');

      const response = await call(`/admin/dlq/ledger/${action}`, { method: 'POST', token: TOKEN, body });

      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: { field: string }[] }).errors).toEqual([
        { field, message: expect.any(String) },
      ]);
      expect(await inspector.depth(ledger().deadLetterQueue)).toBe(1);
      expect(await prisma.deadLetterAction.count({ where: { messageId: events[0]!.id } })).toBe(0);
    },
  );
});
