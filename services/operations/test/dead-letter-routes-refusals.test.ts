import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  call,
  idsOf,
  inspector,
  ledger,
  park,
  parkedCount,
  prisma,
  serverWithoutToken,
  TOKEN,
  useDeadLetterAdminApi,
} from './dead-letter-routes-fixture';

/**
 * What the dead-letter admin API refuses over HTTP: every route without the
 * bearer token, or with none configured, and malformed requests, each
 * leaving the dead letters as they were.
 */

describe('dead-letter admin API', () => {
  useDeadLetterAdminApi();

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
