import { defineEvent } from '@shared/messaging';
import { recurringJobFields } from '@shared/operations';
import { z } from 'zod';

export const SalesReportDueV1 = defineEvent({
  type: 'email.sales-report.due',
  version: 1,
  summary: 'The recurring sales report has fallen due',
  description:
    "A recurring job on SALES_REPORT_CRON (Mondays at 08:00 UTC unless set): each occurrence is planned once, however many replicas of the email service run, and published when due. The email service then reads analytics' sales summary for the orders placed from `since` (the previous occurrence, so runs missed while down are covered) to `scheduledFor`, and emails it to SALES_REPORT_TO.",
  data: z.object(recurringJobFields),
});
