import { defineEvent } from '@shop/shared/events';
import { recurringJobFields } from '@shop/shared/scheduler';
import { z } from 'zod';

/**
 * `email.sales-report.due` v1: a recurring job (SALES_REPORT_CRON). The email
 * service reads analytics for the orders since the previous report and sends
 * the report to SALES_REPORT_TO.
 */
export const SalesReportDueV1 = defineEvent({
  type: 'email.sales-report.due',
  version: 1,
  data: z.object(recurringJobFields),
});
