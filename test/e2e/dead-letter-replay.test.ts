import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sleep, waitFor } from '../support';
import { FULFILLMENT_SERVICES, Stack } from './stack';

/**
 * The operator's story with the real email service and the real CLI: SMTP is
 * down long enough for 20 orders' emails to be parked; the operations service
 * drains them into its dead-letter store. However often operators read them, by every
 * read path, they stay parked (on RabbitMQ 4.x, reads of the DLQ itself
 * used to dead-letter a message after 20 and drop it); once SMTP is back,
 * `npm run dlq` replays 5, then the other 15, and every order gets exactly
 * one email.
 */

interface Summary {
  service: string;
  parked: number;
  arriving: number | null;
}
interface DeadLetter {
  id: string;
  orderId: string | null;
  lastError: string | null;
  state: string;
}

const ROOT = join(__dirname, '..', '..');

describe('dead-letter replay end to end', () => {
  let stack: Stack;

  /** Runs scripts/dlq.ts as an operator would, against this stack's operations service. */
  async function dlq(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(ROOT, 'scripts', 'dlq.ts'), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          OPERATIONS_URL: stack.services.operations.url,
          ADMIN_TOKEN: stack.adminToken,
          USER: 'e2e-operator',
        },
      },
    );
    return stdout;
  }

  const emailsSent = (customers: string[]) =>
    customers.map((customer) => stack.smtp.mailsTo(customer).length);
  const total = (counts: number[]) => counts.reduce((sum, count) => sum + count, 0);

  beforeAll(async () => {
    stack = await Stack.start({
      label: 'e2e-dlq',
      retryDelays: '100ms,200ms',
      // The circuit breaker would hold these emails in their queue while SMTP is down, which
      // is its job (test/e2e/job-controls-delivery.test.ts); this test is about what reaches the DLQ.
      envOf: { email: { CIRCUIT_BREAKER_THRESHOLD: '1000' } },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The operations service's API, as the dashboard and the CLI call it. */
  async function admin<Body>(path: string, body?: unknown): Promise<Body> {
    const response = await fetch(`${stack.services.operations.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Body;
  }

  test('When 20 emails are parked during an SMTP outage and read 1,000 times by every read path, then all 20 stay parked, the CLI replays exactly 5, then the other 15, and each email is sent once', async () => {
    await stack.smtp.stop();
    const customers = Array.from({ length: 20 }, () => `${randomUUID()}@example.com`);
    const orderIds = await Promise.all(customers.map((customer) => stack.placeOrder(customer)));
    const emailDlq = stack.shop.queuesOf('email').deadLetterQueue;
    const parked = async () => (await admin<{ total: number }>('/admin/dlq/email?limit=1')).total;
    await waitFor('20 emails in the dead-letter store', async () => (await parked()) === 20, 30_000);

    // Every read path, 1,000 times: the summary, the search, each detail and the dry runs (the
    // dashboard and the CLI call these), and the CLI's own commands once each (a process each).
    const { items } = await admin<{ items: DeadLetter[] }>('/admin/dlq/email?limit=100');
    for (let read = 0; read < 1_000; read += 1) {
      const one = items[read % items.length]!;
      await Promise.all([
        admin('/admin/dlq'),
        admin(`/admin/dlq/email?error=ECONNREFUSED&order=${one.orderId}`),
        admin(`/admin/dlq/email/messages/${one.id}`),
        admin('/admin/dlq/email/preview', { action: 'replay', filter: {}, limit: 100 }),
        admin('/admin/dlq/email/preview', { action: 'discard', ids: [one.id] }),
      ]);
    }
    await dlq('list');
    await dlq('show', 'email');
    await dlq('read', 'email', items[0]!.id);
    await dlq('replay', 'email', '--dry-run');
    await dlq('discard', 'email', '--dry-run');

    const list = JSON.parse(await dlq('list', '--json')) as Summary[];
    const shown = JSON.parse(await dlq('show', 'email', '--json')) as DeadLetter[];
    // Every consumer's DLQ and checkout's are listed; only email's holds anything.
    expect(Object.fromEntries(list.map((queue) => [queue.service, queue.parked]))).toEqual(
      Object.fromEntries(
        [...FULFILLMENT_SERVICES, 'checkout'].map((service) => [service, service === 'email' ? 20 : 0]),
      ),
    );
    expect(list.every((queue) => queue.arriving === 0)).toBe(true);
    expect(await stack.shop.inspector.depth(emailDlq)).toBe(0);
    expect(shown).toHaveLength(20);
    expect(shown.map((message) => message.orderId).sort()).toEqual([...orderIds].sort());
    expect(shown.every((message) => message.state === 'parked')).toBe(true);
    expect(shown.every((message) => message.lastError?.includes('ECONNREFUSED'))).toBe(true);
    expect(total(emailsSent(customers))).toBe(0);

    await stack.smtp.listen();
    const dryRun = await dlq('replay', 'email', '--limit', '5', '--dry-run');
    expect(dryRun).toContain('Would replay 5 dead letter(s) of email (of 20 matching; raise --limit).');
    expect(await parked()).toBe(20);
    expect(await dlq('replay', 'email', '--limit', '5', '--yes')).toContain('Replayed 5 dead letter(s)');

    await waitFor('5 emails sent', () => total(emailsSent(customers)) === 5, 15_000);
    await sleep(1_000);
    expect(total(emailsSent(customers))).toBe(5);
    expect(await parked()).toBe(15);

    expect(await dlq('replay', 'email', '--yes')).toContain('Replayed 15 dead letter(s)');

    await waitFor('20 emails sent', () => total(emailsSent(customers)) === 20, 15_000);
    for (const orderId of orderIds) {
      await waitFor(
        `email completed for ${orderId}`,
        async () => (await stack.order(orderId)).fulfillment?.email.status === 'completed',
      );
    }
    // Nothing is left to replay: a replay of every id again sends nothing.
    const again = await admin<{ replayed: number }>('/admin/dlq/email/replay', {
      ids: shown.map(({ id }) => id),
      rate: 1_000,
    });
    expect(again.replayed).toBe(0);
    await sleep(1_000);
    expect(emailsSent(customers)).toEqual(customers.map(() => 1));
    expect(await parked()).toBe(0);
    const audit = await stack.prisma.deadLetterAction.findMany({ where: { service: 'email' } });
    expect(audit).toHaveLength(20);
    expect(new Set(audit.map((row) => row.deadLetterId)).size).toBe(20);
    expect(audit.every((row) => row.action === 'replay' && row.actor.startsWith('e2e-operator@'))).toBe(true);
  }, 240_000);
});
