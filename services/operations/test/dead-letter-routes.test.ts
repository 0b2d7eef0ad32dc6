import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { OPERATIONS_ROUTES } from '@shop/contracts/operations-api';
import { DeadLetterStore, DeadLetters } from '@shop/shared/dead-letters';
import { createHttpApp, type RunningServer, startHttpServer } from '@shop/shared/http';
import { Broker, HEADERS, type Topology } from '@shop/shared/messaging';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../test/order-events';
import {
  amqpUrl,
  databaseUrl,
  QueueInspector,
  sleep,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';
import { deadLetterRoutes } from '../src/http/dead-letter-routes';
import { OPERATIONS_API } from '../src/http/operations-api';

const DEAD_LETTER_ROUTES = [
  OPERATIONS_ROUTES.deadLetterQueues,
  OPERATIONS_ROUTES.deadLetters,
  OPERATIONS_ROUTES.deadLetter,
  OPERATIONS_ROUTES.preview,
  OPERATIONS_ROUTES.replay,
  OPERATIONS_ROUTES.discard,
  OPERATIONS_ROUTES.audit,
];

/**
 * The admin API over HTTP, as the operations service mounts it, over a store the drain
 * fills: the bearer token guards every route, a dry run selects, and an
 * action moves exactly the ids it is given.
 */

const TOKEN = 'admin-token-for-tests-0123456789';

describe('dead-letter admin API', () => {
  let topology: Topology;
  let inspector: QueueInspector;
  let broker: Broker;
  let prisma: PrismaClient;
  let deadLetters: DeadLetters;
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

  const parkedCount = async () => (await deadLetters.search('ledger', {}, { limit: 1 })).total;
  const idsOf = async (events: OrderCompleted[]) => {
    const { items } = await deadLetters.search('ledger', {}, { limit: 500 });
    return events.map((event) => items.find(({ messageId }) => messageId === event.id)!.id);
  };

  /** Parks events in the ledger's DLQ as the consumer does, and waits until the drain stored them. */
  async function park(events: OrderCompleted[], error: string) {
    const before = await parkedCount();
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
    await waitFor('stored', async () => (await parkedCount()) === before + events.length);
  }

  const serve = (token: string | undefined) =>
    startHttpServer(
      createHttpApp({
        logger: testLogger(),
        readiness: async () => ({}),
        errors: SHOP_ERRORS,
        // Only the dead-letter routes are mounted here, so the document describes only them.
        api: { ...OPERATIONS_API, routes: DEAD_LETTER_ROUTES },
        routes: (app) => app.use(deadLetterRoutes(deadLetters, token)),
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
    deadLetters = new DeadLetters(
      broker,
      new DeadLetterStore(prisma, {
        deadLetters: 'operations.dead_letters',
        audit: 'operations.dead_letter_actions',
      }),
      'orderId',
    );
    deadLetters.startDrain(testLogger());
    server = await serve(TOKEN);
    serverWithoutToken = await serve(undefined);
  });

  beforeEach(async () => {
    await prisma.$executeRawUnsafe(
      'DELETE FROM operations.dead_letters WHERE queue = $1',
      ledger().deadLetterQueue,
    );
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
    const ids = await idsOf(events);

    const responses = [
      await call('/admin/dlq'),
      await call('/admin/dlq/ledger', { token: 'wrong' }),
      await call('/admin/dlq/ledger/preview', { method: 'POST', body: { action: 'replay', ids } }),
      await call('/admin/dlq/ledger/replay', { method: 'POST', body: { ids } }),
      await call('/admin/dlq/ledger/replay', { method: 'POST', token: `${TOKEN}x`, body: { ids } }),
      await call('/admin/dlq/ledger/discard', { method: 'POST', token: 'wrong', body: { ids, reason: 'x' } }),
    ];

    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await parkedCount()).toBe(2);
    expect(await inspector.depth(ledger().workQueue)).toBe(0);
    expect(await prisma.deadLetterAction.count({ where: { deadLetterId: { in: ids } } })).toBe(0);
  });

  test('When an operator previews a filtered replay, then replays the ids it showed, then exactly those are replayed and recorded as the admin API', async () => {
    const busy = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    const refused = [anOrderCompletedEvent(), anOrderCompletedEvent()];
    await park(busy, '421 Service not available');
    await park(refused, 'connect ECONNREFUSED');

    const list = await call('/admin/dlq', { token: TOKEN });
    const shown = await call(`/admin/dlq/ledger?order=${refused[0]!.data.orderId}`, { token: TOKEN });
    const preview = await call('/admin/dlq/ledger/preview', {
      method: 'POST',
      token: TOKEN,
      body: { action: 'replay', filter: { error: '421' }, limit: 2 },
    });
    const previewed = (await preview.json()) as { ids: string[]; matching: number; target: string };
    // Another message with the same error arrives between the dry run and the action.
    await park([anOrderCompletedEvent()], '421 Service not available');
    const replay = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { ids: previewed.ids, rate: 100 },
    });

    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([
      expect.objectContaining({ service: 'ledger', parked: 5, arriving: 0 }),
    ]);
    const page = (await shown.json()) as { items: { messageId: string; orderId: string }[]; total: number };
    expect(page.items.map((item) => item.messageId)).toEqual([refused[0]!.id]);
    expect(page.total).toBe(1);
    expect(previewed).toMatchObject({ matching: 3, target: ledger().workQueue });
    expect(previewed.ids).toHaveLength(2);
    expect(replay.status).toBe(200);
    const result = (await replay.json()) as { replayed: number; ids: string[] };
    expect(result).toEqual({ replayed: 2, ids: previewed.ids, skipped: [] });
    const moved = await inspector.take(ledger().workQueue, 2);
    expect(moved.map((m) => m.properties.messageId).sort()).toEqual([busy[0]!.id, busy[1]!.id].sort());
    await sleep(200);
    expect(await inspector.depth(ledger().workQueue)).toBe(0);
    expect(await parkedCount()).toBe(4);
    const rows = await prisma.deadLetterAction.findMany({ where: { deadLetterId: { in: result.ids } } });
    expect(rows.map((row) => [row.action, row.actor])).toEqual([
      ['replay', 'admin-api'],
      ['replay', 'admin-api'],
    ]);
  });

  test('When one dead letter is read, then it comes with its headers and body; an id that is not one is a 404', async () => {
    const [event] = [anOrderCompletedEvent()];
    await park([event!], 'connect ECONNREFUSED');
    const [id] = await idsOf([event!]);

    const found = await call(`/admin/dlq/ledger/messages/${id}`, { token: TOKEN });
    const missing = await call('/admin/dlq/ledger/messages/00000000-0000-4000-8000-000000000000', {
      token: TOKEN,
    });
    const notAnId = await call('/admin/dlq/ledger/messages/not-an-id', { token: TOKEN });

    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({
      id,
      messageId: event!.id,
      orderId: event!.data.orderId,
      attempts: 3,
      lastError: 'connect ECONNREFUSED',
      state: 'parked',
      headers: { [HEADERS.deadLetterReason]: 'retries-exhausted' },
      body: { id: event!.id, data: { orderId: event!.data.orderId } },
    });
    for (const response of [missing, notAnId]) {
      expect(response.status).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('DEAD_LETTERS.MESSAGE_NOT_FOUND');
    }
    expect(await parkedCount()).toBe(1);
  });

  test('When chosen dead letters are replayed and discarded, then exactly those move, and the audit log lists both actions newest first', async () => {
    const parked = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    await park(parked, 'connect ECONNREFUSED');
    const ids = await idsOf(parked);

    const replay = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { ids: [ids[2]], rate: 100, actor: 'ada' },
    });
    const discard = await call('/admin/dlq/ledger/discard', {
      method: 'POST',
      token: TOKEN,
      body: { ids: [ids[0], ids[2]], reason: 'test order', actor: 'ada' },
    });
    const audit = await call('/admin/audit?service=ledger&limit=2', { token: TOKEN });

    expect(await replay.json()).toEqual({ replayed: 1, ids: [ids[2]], skipped: [] });
    expect(await discard.json()).toEqual({
      discarded: 1,
      ids: [ids[0]],
      skipped: [{ id: ids[2], state: 'replayed' }],
    });
    const moved = await inspector.take(ledger().workQueue, 1);
    expect(moved.map((message) => message.properties.messageId)).toEqual([parked[2]!.id]);
    expect(await parkedCount()).toBe(1);
    expect(audit.status).toBe(200);
    expect(await audit.json()).toEqual([
      expect.objectContaining({
        action: 'discard',
        deadLetterId: ids[0],
        messageId: parked[0]!.id,
        orderId: parked[0]!.data.orderId,
        actor: 'ada via admin-api',
        reason: 'test order',
        lastError: 'connect ECONNREFUSED',
      }),
      expect.objectContaining({ action: 'replay', deadLetterId: ids[2], reason: null }),
    ]);
  });

  test('When a request is malformed or names an unknown service, then 400 names the field, 404 the service, and nothing changes', async () => {
    const events = [anOrderCompletedEvent()];
    await park(events, 'connect ECONNREFUSED');
    const ids = await idsOf(events);

    const fieldsOf = async (response: Response) =>
      ((await response.json()) as { errors: { field: string }[] }).errors.map(({ field }) => field);
    const post = (path: string, body: unknown) => call(path, { method: 'POST', token: TOKEN, body });

    const noIds = await post('/admin/dlq/ledger/replay', {});
    const emptyIds = await post('/admin/dlq/ledger/replay', { ids: [] });
    const badId = await post('/admin/dlq/ledger/replay', { ids: ['not-an-id'] });
    const filterNotIds = await post('/admin/dlq/ledger/replay', { filter: { error: 'x' } });
    const noReason = await post('/admin/dlq/ledger/discard', { ids });
    const previewBoth = await post('/admin/dlq/ledger/preview', { action: 'replay', ids, filter: {} });
    const previewNeither = await post('/admin/dlq/ledger/preview', { action: 'discard' });
    const badSince = await call('/admin/dlq/ledger?since=yesterday', { token: TOKEN });
    const badState = await call('/admin/dlq/ledger?state=lost', { token: TOKEN });
    const unknown = await post('/admin/dlq/nope/replay', { ids });
    const badAuditLimit = await call('/admin/audit?limit=0', { token: TOKEN });

    for (const [response, field] of [
      [noIds, 'ids'],
      [emptyIds, 'ids'],
      [badId, 'ids[0]'],
      [filterNotIds, 'filter'],
      [noReason, 'reason'],
      [previewBoth, 'ids'],
      [previewNeither, 'ids'],
      [badSince, 'since'],
      [badState, 'state'],
      [badAuditLimit, 'limit'],
    ] as const) {
      expect(response.status).toBe(400);
      expect(await fieldsOf(response)).toContain(field);
    }
    expect(unknown.status).toBe(404);
    expect(await parkedCount()).toBe(1);
    expect(await prisma.deadLetterAction.count({ where: { deadLetterId: { in: ids } } })).toBe(0);
  });

  test.each([
    ['discard', 'reason', { reason: 'customer\u0000cancelled' }],
    ['discard', 'actor', { reason: 'customer cancelled', actor: 'ops\ud800' }],
    ['replay', 'actor', { actor: 'ops\u001b[31m' }],
  ])(
    'When a %s names its %s with a control character or a lone surrogate, then 400 names the field and the dead letter stays parked',
    async (action, field, body) => {
      const events = [anOrderCompletedEvent()];
      await park(events, 'connect ECONNREFUSED');
      const ids = await idsOf(events);

      const response = await call(`/admin/dlq/ledger/${action}`, {
        method: 'POST',
        token: TOKEN,
        body: { ...body, ids },
      });

      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: { field: string }[] }).errors).toEqual([
        { field, message: expect.any(String) },
      ]);
      expect(await parkedCount()).toBe(1);
      expect(await prisma.deadLetterAction.count({ where: { deadLetterId: ids[0] } })).toBe(0);
    },
  );

  test('When the search filters by a query string with a control character, then 400 names the field', async () => {
    const response = await call('/admin/dlq/ledger?order=%00', { token: TOKEN });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('order');
  });
});
