import type { EventOf, HandlerContext } from '@shared/messaging';
import type { TransactionClient } from '@shop/contracts/database';
import { ReviewRequestDueV1, type SalesReportDueV1 } from '@shop/contracts/events';
import { fetchSalesSummary } from '../analytics/sales-summary-client';
import { composeReviewRequestEmail } from '../domain/review-request-email';
import { composeSalesReportEmail } from '../domain/sales-report-email';
import type { Mailer, OutgoingEmail } from '../smtp/smtp-mailer';

export interface EmailJobDeps extends HandlerContext<TransactionClient> {
  mailer: Mailer;
  messageIdDomain: string;
  analyticsUrl: string;
  salesReportTo: string;
}

type EmailJob = EventOf<typeof ReviewRequestDueV1> | EventOf<typeof SalesReportDueV1>;

/** The catalogue's currency, in which analytics sums revenue. */
const REPORT_CURRENCY = 'EUR';

/**
 * The email service's jobs, from its job queue: a review request some time
 * after an order, and the recurring sales report. Each job's id is its
 * inbox key, so the send happens inside the inbox transaction like the
 * confirmation's: a redelivered or re-dispatched job finds its id claimed and
 * sends nothing.
 */
export async function sendEmailJob(job: EmailJob, deps: EmailJobDeps): Promise<void> {
  const email =
    job.type === ReviewRequestDueV1.type
      ? composeReviewRequestEmail(job, deps)
      : composeSalesReportEmail(
          job,
          await fetchSalesSummary(
            deps.analyticsUrl,
            { from: job.data.since, to: job.data.scheduledFor },
            deps.signal,
          ),
          { to: deps.salesReportTo, currency: REPORT_CURRENCY, messageIdDomain: deps.messageIdDomain },
        );
  const outcome = await deps.inbox.once(() => send(email, deps));
  if (outcome.duplicate) deps.log.info({ kind: email.kind }, 'already sent; not sending it again');
}

async function send(email: OutgoingEmail, deps: EmailJobDeps) {
  await deps.mailer.send(email, deps.signal);
  deps.log.info({ kind: email.kind, messageId: email.messageId }, 'sent');
}
