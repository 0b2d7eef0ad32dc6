import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { sleep, waitFor } from '../support';
import {
  browser,
  csrfTokenOf,
  dashboard,
  emailsTo,
  IMAGES,
  operator,
  page,
  parkedAtCheckout,
  region,
  signIn,
  stack,
  useDashboardInABrowser,
  VIEWER_TOKEN,
} from './dashboard-fixture';

/**
 * The operators' dashboard in a real browser (Debian's Chromium) against the
 * whole shop: sign-in by accessible names, an order followed live until
 * every task completed, an SMTP outage seen in the Dead letters region, previewed
 * and repaired by replaying the dead letters shown (one email per order), a
 * discard refused without a reason, a discard of the dead letters shown that
 * leaves one parked after them alone, and the access rules (401, read-only
 * viewer, CSRF).
 * Screenshots of each region go to docs/images/.
 */

describe('operator dashboard in a browser', () => {
  useDashboardInABrowser();

  test('When nobody has signed in, then every dashboard API answers 401 problem+json and the page asks for the token', async () => {
    const calls: [string, string][] = [
      ['GET', '/api/stream'],
      ['GET', '/api/session'],
      ['GET', '/api/orders/search?q=someone@example.com'],
      ['GET', `/api/orders/${randomUUID()}`],
      ['GET', '/api/dead-letters/email'],
      ['GET', '/api/dead-letters/email/messages/some-id'],
      ['GET', '/api/audit'],
      ['POST', '/api/dead-letters/email/replay?scope=all'],
      ['POST', '/api/dead-letters/email/discard?scope=all'],
      ['POST', '/api/consumers/email/pause'],
    ];

    for (const [method, path] of calls) {
      const response = await fetch(`${dashboard.url}${path}`, { method });
      expect([method, path, response.status]).toEqual([method, path, 401]);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const page = await (await browser.newContext()).newPage();
    await page.goto(dashboard.url);
    expect(await page.getByLabel('Admin token').getAttribute('type')).toBe('password');
    await page.getByLabel('Admin token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not valid');
  });

  test('When an operator has signed in and an order is placed over HTTP, then the session cookie is httpOnly and SameSite=Strict, and the order appears and every task of it turns completed without a reload', async () => {
    const [cookie] = await operator.cookies();
    expect(cookie).toMatchObject({ name: 'dashboard_session', httpOnly: true, sameSite: 'Strict' });
    let reloads = 0;
    page.on('load', () => {
      reloads += 1;
    });

    const customer = `${randomUUID()}@example.com`;
    const orderId = await stack.placeOrder(customer);

    const row = region('Orders').locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await waitFor(
      'every task completed on the page',
      async () => (await row.getByText('completed', { exact: true }).count()) === SHOP_REGISTRY.tasks.length,
      20_000,
    ).catch(async (error: Error) => {
      // Whether the tasks were not done, or done but not shown.
      const { fulfillment } = await stack.order(orderId);
      const statuses = Object.entries(fulfillment ?? {}).map(([task, { status }]) => `${task} ${status}`);
      throw new Error(
        `${error.message}\nthe row showed: ${await row.textContent()}\ncheckout has: ${statuses.join(', ')}; the page says ${await page.locator('#live-status').textContent()}`,
      );
    });
    expect(reloads).toBe(0);

    await row.getByRole('button', { name: `Open order ${orderId}` }).click();
    const detail = page.locator('#order-detail');
    await detail.getByRole('heading', { name: `Order ${orderId}` }).waitFor();
    await expect(detail.getByRole('link', { name: 'Receipt (PDF)' }).getAttribute('href')).resolves.toContain(
      orderId,
    );
    // The charts need a few scrapes of /metrics before they have lines to draw.
    await waitFor('charts drawn', async () => (await page.locator('#charts figure').count()) >= 4, 10_000);
    await sleep(2_500);
    await region('Queues').screenshot({ path: join(IMAGES, 'dashboard-queues.png') });
    await region('Orders').screenshot({ path: join(IMAGES, 'dashboard-orders.png') });
  }, 60_000);

  test('When SMTP is down, then the parked count rises on the page, a discard without a reason is refused, the preview says what a replay would send, and replaying the shown sends exactly one email per order', async () => {
    await stack.smtp.stop();
    const customers = Array.from({ length: 3 }, () => `${randomUUID()}@example.com`);
    await Promise.all(customers.map((customer) => stack.placeOrder(customer)));

    const parkedOnPage = region('Dead letters').locator('[data-dead-letters="email"]');
    await waitFor(
      '3 email dead letters on the page',
      async () => (await parkedOnPage.textContent()) === '3',
      30_000,
    );

    await page.getByRole('button', { name: 'Show dead letters of email' }).click();
    const list = page.locator('#dead-letter-list');
    await list.getByRole('table').waitFor();
    expect(await list.getByRole('checkbox').count()).toBe(3);
    await list.getByRole('checkbox').first().check();
    await list.getByRole('button', { name: 'Discard ticked' }).click();
    await waitFor('the refusal shown', async () =>
      ((await region('Dead letters').locator('[data-errors]').textContent()) ?? '').includes('reason'),
    );
    expect(await parkedAtCheckout()).toBe(3);

    await list.getByRole('button', { name: 'Preview the 3 shown' }).click();
    await waitFor('the preview shown', async () =>
      ((await list.locator('#dead-letter-preview').textContent()) ?? '').includes(
        'would send 3 dead letter(s)',
      ),
    );
    expect(await list.locator('#dead-letter-preview').textContent()).toContain('EMAIL.SMTP_UNREACHABLE');

    await list
      .getByRole('button', { name: /^Details of message/ })
      .first()
      .click();
    const detail = page.locator('#dead-letter-detail');
    await detail.getByRole('heading', { name: 'Headers' }).waitFor();
    expect(await detail.textContent()).toContain('x-dead-letter-reason');
    await region('Dead letters').screenshot({ path: join(IMAGES, 'dashboard-dead-letters.png') });

    await stack.smtp.listen();
    await list.getByRole('button', { name: 'Replay the 3 shown' }).click();
    await waitFor('the replay reported', async () =>
      ((await page.locator('#dead-letter-result').textContent()) ?? '').includes('Replayed 3 dead letter(s)'),
    );
    await waitFor('one email per order', () => emailsTo(customers).every((count) => count >= 1), 15_000);
    await waitFor('no email dead letter on the page', async () => (await parkedOnPage.textContent()) === '0');
    await sleep(1_000);
    expect(emailsTo(customers)).toEqual([1, 1, 1]);
    await page.locator('#audit-log').getByRole('cell', { name: 'dashboard via admin-api' }).first().waitFor();
    expect(await page.locator('#audit-log tbody tr').count()).toBe(3);
  }, 60_000);

  test('When a dead letter is parked after the list was shown, then "Discard the 2 shown" settles exactly those two and leaves the newcomer parked', async () => {
    await stack.smtp.stop();
    const shownCustomers = [`${randomUUID()}@example.com`, `${randomUUID()}@example.com`];
    await Promise.all(shownCustomers.map((customer) => stack.placeOrder(customer)));
    await waitFor('2 parked', async () => (await parkedAtCheckout()) === 2, 30_000);

    await page.getByRole('button', { name: 'Show dead letters of email' }).click();
    const list = page.locator('#dead-letter-list');
    await list.getByRole('button', { name: 'Discard the 2 shown' }).waitFor();
    const shown = await list
      .locator('input[name="shown"]')
      .evaluateAll((inputs) => inputs.map((input) => (input as { value: string }).value));

    const newcomer = await stack.placeOrder(`${randomUUID()}@example.com`);
    await waitFor('the newcomer parked', async () => (await parkedAtCheckout()) === 3, 30_000);
    await list.getByLabel('Reason for discarding').fill('test orders, no email wanted');
    await list.getByRole('button', { name: 'Discard the 2 shown' }).click();
    await waitFor('the discard reported', async () =>
      ((await page.locator('#dead-letter-result').textContent()) ?? '').includes(
        'Discarded 2 dead letter(s)',
      ),
    );

    const { body: left } = await stack.admin<{ items: { id: string; orderId: string }[] }>(
      '/admin/dlq/email',
    );
    expect(left.items.map(({ orderId }) => orderId)).toEqual([newcomer]);
    const { body: discarded } = await stack.admin<{ items: { id: string }[] }>(
      '/admin/dlq/email?state=discarded',
    );
    expect(discarded.items.map(({ id }) => id).sort()).toEqual([...shown].sort());

    await stack.smtp.listen();
    await stack.admin('/admin/dlq/email/replay', { ids: left.items.map(({ id }) => id), rate: 100 });
    await waitFor('the newcomer emailed', async () => (await parkedAtCheckout()) === 0);
  }, 60_000);

  test("When an operator pauses email from the Jobs region, then no email goes out until Resume, and the order's review request and the weekly report are listed with their due times", async () => {
    const jobs = region('Jobs');
    await jobs.getByRole('button', { name: 'Pause email' }).click();
    await waitFor('email paused at the operations service', async () => {
      const { body } = await stack.admin<{ service: string; paused: boolean }[]>('/admin/consumers');
      return body.find(({ service }) => service === 'email')?.paused === true;
    });
    await jobs.getByRole('button', { name: 'Resume email' }).waitFor();

    const customer = `${randomUUID()}@example.com`;
    const orderId = await stack.placeOrder(customer);
    await sleep(1_500);
    expect(emailsTo([customer])).toEqual([0]);

    await jobs.getByRole('button', { name: 'Resume email' }).click();
    await waitFor('the confirmation sent', () => emailsTo([customer])[0] === 1, 15_000);
    await jobs.getByRole('cell', { name: orderId }).waitFor();
    expect(await jobs.getByRole('row', { name: new RegExp(orderId) }).textContent()).toContain(
      'email.review-request.due',
    );
    const recurring = jobs.getByRole('region', { name: 'Recurring jobs' });
    expect(await recurring.getByRole('row', { name: /sales-report/ }).textContent()).toContain('0 8 * * 1');
  }, 60_000);

  test('When a POST lacks the CSRF token, or a viewer signs in, then no action is offered or accepted', async () => {
    const withoutToken = await page.request.post(
      `${dashboard.url}/api/dead-letters/email/replay?scope=shown`,
    );
    const otherOrigin = await page.request.post(
      `${dashboard.url}/api/dead-letters/email/replay?scope=shown`,
      {
        headers: { 'X-CSRF-Token': await csrfTokenOf(page), origin: 'http://evil.example' },
      },
    );
    expect(withoutToken.status()).toBe(403);
    expect(otherOrigin.status()).toBe(403);

    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await signIn(viewerContext, VIEWER_TOKEN);
    // What the page was answered, for a failure to show: the list's own request, any refusal.
    const answers: string[] = [];
    viewer.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname.startsWith('/api/dead-letters') || response.status() >= 400)
        answers.push(`${response.status()} ${pathname}`);
    });
    await viewer.getByRole('button', { name: 'Show dead letters of email' }).click();
    const viewerList = viewer.locator('#dead-letter-list');
    // The panel's heading shows whatever the answer (messages, none, or checkout unavailable).
    await viewerList
      .getByRole('heading', { name: 'Dead letters of email' })
      .waitFor()
      .catch((error: Error) => {
        throw new Error(`${error.message}\nanswers the page got: ${answers.join(', ') || 'none'}`);
      });
    expect(await viewerList.textContent()).toContain('No parked dead letters');
    for (const name of [/^Replay/, /^Discard/, /^Pause/, /^Resume/]) {
      expect(await viewer.getByRole('button', { name }).count()).toBe(0);
    }
    const token = await csrfTokenOf(viewer);
    for (const path of [
      '/api/dead-letters/email/replay?scope=shown',
      '/api/dead-letters/email/discard?scope=shown',
      '/api/consumers/email/pause',
    ]) {
      const response = await viewer.request.post(`${dashboard.url}${path}`, {
        headers: { 'X-CSRF-Token': token },
        form: { reason: 'viewer tries' },
      });
      expect([path, response.status()]).toEqual([path, 403]);
    }
    await viewerContext.close();

    await region('Jobs').screenshot({ path: join(IMAGES, 'dashboard-jobs.png') });
    // The README's picture: the first screen, after a few minutes' worth of traffic and repairs.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(IMAGES, 'dashboard.png') });
    await page.screenshot({ path: join(IMAGES, 'dashboard-1280.png'), fullPage: true });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const small = await signIn(phone, stack.adminToken);
    await small.locator('[data-live="orders"] table').waitFor();
    await small.screenshot({ path: join(IMAGES, 'dashboard-390.png'), fullPage: true });
    await phone.close();
  }, 60_000);
});
