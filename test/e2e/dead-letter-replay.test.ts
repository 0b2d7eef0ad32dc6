import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DeadLetterQueueSummary, ParkedMessage } from '@shop/shared/dead-letters';
import { sleep, waitFor } from '../support';
import { Stack } from './stack';

/**
 * Issue 6's operator story with the real email service and the real CLI:
 * SMTP is down long enough for 20 orders' emails to reach email.dlq; once it
 * is back, `npm run dlq` replays 5, then the other 15, and every order gets
 * exactly one email.
 */

const ROOT = join(__dirname, '..', '..');

describe('dead-letter replay end to end', () => {
  let stack: Stack;

  /** Runs scripts/dlq.ts as an operator would, against this stack's checkout. */
  async function dlq(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(ROOT, 'scripts', 'dlq.ts'), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CHECKOUT_URL: stack.services.checkout.url,
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
      // is its job (test/e2e/job-controls.test.ts); this test is about what reaches the DLQ.
      envOf: { email: { CIRCUIT_BREAKER_THRESHOLD: '1000' } },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test('When 20 emails are parked during an SMTP outage, then the CLI lists and shows them, replays exactly 5, then the other 15, and no email is doubled', async () => {
    await stack.smtp.stop();
    const customers = Array.from({ length: 20 }, () => `${randomUUID()}@example.com`);
    const orderIds = await Promise.all(customers.map((customer) => stack.placeOrder(customer)));
    const emailDlq = stack.shop.queuesOf('email').deadLetterQueue;
    await waitFor(
      '20 emails in email.dlq',
      async () => (await stack.shop.inspector.depth(emailDlq)) === 20,
      30_000,
    );

    const list = JSON.parse(await dlq('list', '--json')) as DeadLetterQueueSummary[];
    const shown = JSON.parse(await dlq('show', 'email', '--json')) as (Omit<ParkedMessage, 'subject'> & {
      orderId: string | null;
    })[];

    expect(Object.fromEntries(list.map((queue) => [queue.service, queue.depth]))).toEqual({
      email: 20,
      pdf: 0,
      inventory: 0,
      analytics: 0,
      checkout: 0,
    });
    expect(shown).toHaveLength(20);
    expect(shown.map((message) => message.orderId).sort()).toEqual([...orderIds].sort());
    expect(shown.every((message) => message.lastError?.includes('ECONNREFUSED'))).toBe(true);

    await stack.smtp.listen();
    expect(await dlq('replay', 'email', '--limit', '5')).toContain('Replayed 5 message(s)');

    await waitFor('5 emails sent', () => total(emailsSent(customers)) === 5, 15_000);
    await sleep(1_000);
    expect(total(emailsSent(customers))).toBe(5);
    expect(await stack.shop.inspector.depth(emailDlq)).toBe(15);

    expect(await dlq('replay', 'email')).toContain('Replayed 15 message(s)');

    await waitFor('20 emails sent', () => total(emailsSent(customers)) === 20, 15_000);
    for (const orderId of orderIds) {
      await waitFor(
        `email completed for ${orderId}`,
        async () => (await stack.order(orderId)).fulfillment?.email.status === 'completed',
      );
    }
    await sleep(500);
    expect(emailsSent(customers)).toEqual(customers.map(() => 1));
    expect(await stack.shop.inspector.depth(emailDlq)).toBe(0);
    const audit = await stack.prisma.deadLetterAction.findMany({ where: { service: 'email' } });
    expect(audit).toHaveLength(20);
    expect(audit.every((row) => row.action === 'replay' && row.actor.startsWith('e2e-operator@'))).toBe(true);
  });
});
