import { randomUUID } from 'node:crypto';
import { createEvent, defineEvent } from '@shared/messaging';
import { scheduleJob } from '@shared/operations';
import { z } from 'zod';
import { sleep, waitFor } from '../support';
import {
  address,
  byArrival,
  emails,
  kindOf,
  metric,
  run,
  stack,
  startEmails,
  useJobControlsStack,
} from './job-controls-fixture';

/**
 * Scheduled jobs against the whole shop: a delayed job through a restart of
 * every process, a recurring job with two replicas and its catch-up, and a
 * due job the broker refuses. Each test starts the email processes it needs
 * (the stack's own is stopped) and stops them after.
 */

describe('job controls', () => {
  useJobControlsStack();

  test('When every process is killed and restarted before a review request is due, then it is sent once, on time', async () => {
    const env = { REVIEW_REQUEST_DELAY: '8s' };
    await startEmails(1, env);
    const customer = address('review');
    const placedAt = Date.now();
    const orderId = await stack.placeOrder(customer);
    await stack.smtp.waitForMailsTo(customer, 1);

    // The job is planned in the transaction that records the send, which commits just after
    // the SMTP server has the mail.
    const job = await waitFor('the review request planned', async () => {
      const { body: jobs } = await stack.admin<{
        scheduled: { type: string; subject: string; dueAt: string }[];
      }>('/admin/jobs?service=email');
      return jobs.scheduled.find(({ subject }) => subject === orderId);
    });
    expect(job.type).toBe('email.review-request.due');
    expect(Date.parse(job.dueAt)).toBeGreaterThanOrEqual(placedAt + 7_000);

    await Promise.all(emails.map((process) => process.stop('SIGKILL')));
    emails.length = 0;
    for (const name of ['checkout', 'operations', 'pdf', 'inventory', 'analytics'] as const) {
      await stack.restart(name);
    }
    await startEmails(1, env);

    const [confirmation, review] = byArrival(await stack.smtp.waitForMailsTo(customer, 2, 20_000));
    expect(kindOf(confirmation!)).toBe('order-confirmation');
    expect(kindOf(review!)).toBe('review-request');
    expect(review!.arrivedAt).toBeGreaterThanOrEqual(Date.parse(job.dueAt));
    await sleep(1_500);
    expect(stack.smtp.mailsTo(customer)).toHaveLength(2);
  }, 60_000);

  test('When two replicas run a recurring report, then each occurrence is sent once, periods chain, and a stop of every replica is caught up by one run', async () => {
    const to = address('reports');
    const env = { SALES_REPORT_CRON: '*/2 * * * * *', SALES_REPORT_TO: to };
    await startEmails(2, env);
    await waitFor('three reports', () => stack.smtp.mailsTo(to).length >= 3, 15_000);

    await Promise.all(emails.map((process) => process.stop()));
    emails.length = 0;
    const stoppedAt = Date.now();
    await sleep(5_000);
    await startEmails(2, env);
    await waitFor('a report after the restart', () =>
      stack.smtp.mailsTo(to).some((mail) => mail.arrivedAt > stoppedAt + 5_000),
    );
    await sleep(3_000);

    const periods = byArrival(stack.smtp.mailsTo(to)).map((mail) => {
      expect(kindOf(mail)).toBe('sales-report');
      const [, since, until] = /Sales from (\S+) to (\S+)/.exec(mail.parsed.text ?? '')!;
      return { since: Date.parse(since!), until: Date.parse(until!) };
    });
    periods.sort((a, b) => a.until - b.until);
    expect(new Set(periods.map(({ until }) => until)).size).toBe(periods.length);
    for (let index = 1; index < periods.length; index++) {
      expect(periods[index]!.since).toBe(periods[index - 1]!.until);
    }
    // The stop spanned two or three occurrences: one run covered them, none ran twice.
    const catchUps = periods.filter(({ since, until }) => until - since > 2_000);
    expect(catchUps).toHaveLength(1);
  }, 60_000);

  test('When the broker refuses a due job until the relay parks it, then email counts it in /metrics and /admin/jobs lists it with when and why', async () => {
    const [email] = await startEmails(1, { JOB_MAX_ATTEMPTS: '2' });
    // A job of a type no queue is bound to: every publish of it comes back unroutable.
    const UnroutedJobDueV1 = defineEvent({
      type: 'email.unrouted-job.due',
      version: 1,
      summary: 'A job no queue is bound for',
      description: 'Published to show that an unroutable job is refused',
      data: z.object({ orderId: z.uuid() }),
    });
    const orderId = randomUUID();
    const job = createEvent(UnroutedJobDueV1, { orderId }, { correlationId: `parked-${run}` });
    await scheduleJob(stack.prisma, { service: 'email', event: job, dueAt: new Date() });

    await waitFor(
      'the parked job counted',
      async () => (await metric(email!, 'shop_scheduled_jobs_parked{service="email"}')) === 1,
    );
    const { status, body } = await stack.admin<{
      scheduled: { id: string }[];
      parked: {
        id: string;
        type: string;
        subject: string;
        attempts: number;
        lastError: string;
        parkedAt: string;
      }[];
    }>('/admin/jobs?service=email');
    expect(status).toBe(200);
    expect(body.parked).toEqual([
      {
        id: job.id,
        service: 'email',
        type: 'email.unrouted-job.due',
        dueAt: expect.any(String),
        subject: orderId,
        attempts: 2,
        lastError: expect.stringContaining('no queue received the message'),
        parkedAt: expect.any(String),
      },
    ]);
    expect(Date.parse(body.parked[0]!.parkedAt)).toBeGreaterThanOrEqual(Date.parse(job.occurredAt));
    expect(body.scheduled.map(({ id }) => id)).not.toContain(job.id);
  });
});
