import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { scrapeMetrics, waitFor } from '../../../test/support';
import { classicInlineWork } from '../src/demo/classic-checkout';
import {
  anOrderRequest,
  checkoutRowCounts,
  checkoutTestContext,
  getJson,
  postOrder,
} from './checkout-harness';

/**
 * Backpressure: with the outbox backlog over its limit, checkout refuses new
 * orders (503, Retry-After) and takes them again once the relay has drained
 * it. And the demo's classic route: the same order, with the classic inline
 * wait before the answer, served only when enabled.
 */
describe('backpressure and the classic demo mode', () => {
  const context = checkoutTestContext('backpressure');

  test('When the outbox backlog reaches its limit, then orders get 503 with Retry-After, and are accepted again once it drains', async () => {
    // The relay is off, so events pile up as if the broker were away.
    const checkout = await context.start({ OUTBOX_RELAY_ENABLED: 'false', OUTBOX_BACKLOG_LIMIT: '3' });
    for (let order = 0; order < 3; order++) {
      expect((await postOrder(checkout.baseUrl, anOrderRequest())).status).toBe(201);
    }
    // The backlog count is cached for half a second.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const before = await checkoutRowCounts(context.database.prisma);

    const refused = await postOrder(checkout.baseUrl, anOrderRequest());

    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.code).toBe('ORDER.OUTBOX_BACKLOG_FULL');
    expect(await checkoutRowCounts(context.database.prisma)).toEqual(before);
    // A scrape reads the outbox at most once a second; the next read shows the three.
    await waitFor('the backlog in /metrics', async () =>
      /^shop_outbox_backlog 3$/m.test(await (await scrapeMetrics(checkout.baseUrl)).text()),
    );

    checkout.relay.start();
    await waitFor(
      'the backlog drained',
      async () => (await context.database.prisma.outboxMessage.count({ where: { publishedAt: null } })) === 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await postOrder(checkout.baseUrl, anOrderRequest())).status).toBe(201);
  });

  test('When classic mode is off, then POST /classic/orders is not served nor documented, and nothing is written', async () => {
    const checkout = await context.start();
    const before = await checkoutRowCounts(context.database.prisma);

    const refused = await postOrder(checkout.baseUrl, anOrderRequest(), {}, '/classic/orders');

    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await getJson(`${checkout.baseUrl}/openapi.json`)).body.paths).not.toHaveProperty(
      '/classic/orders',
    );
    expect(await checkoutRowCounts(context.database.prisma)).toEqual(before);
  });

  test('When classic mode is on, then the same order is answered only after the inline work of every task, which Server-Timing names', async () => {
    const checkout = await context.start({ CLASSIC_MODE_ENABLED: 'true' });
    const work = classicInlineWork(SHOP_REGISTRY.tasks);
    const inlineMs = work.reduce((sum, { ms }) => sum + ms, 0);

    const startedAt = performance.now();
    const classic = await postOrder(checkout.baseUrl, anOrderRequest(), {}, '/classic/orders');
    const classicMs = performance.now() - startedAt;

    expect(classic.status).toBe(201);
    expect(classicMs).toBeGreaterThanOrEqual(inlineMs);
    expect(classic.headers.get('server-timing')).toBe(
      SHOP_REGISTRY.tasks
        .map(({ task }) => `${task};dur=${work.find((w) => w.task === task)?.ms}`)
        .join(', '),
    );
    expect(classic.headers.get('location')).toBe(`/orders/${classic.body.id}`);
    expect((await getJson(`${checkout.baseUrl}/orders/${classic.body.id}`)).body.status).toBe('confirmed');
    expect((await getJson(`${checkout.baseUrl}/openapi.json`)).body.paths).toHaveProperty('/classic/orders');
  }, 30_000);
});
