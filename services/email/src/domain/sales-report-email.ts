import type { EventOf } from '@shared/messaging';
import type { SalesReportDueV1 } from '@shop/contracts/events';
import type { OutgoingEmail } from '../smtp/smtp-mailer';
import { escapeHtml } from './confirmation-email';

/** What analytics answers for a period (GET /analytics/summary?from&to). */
export interface SalesSummary {
  orders: number;
  revenueCents: number;
  itemsSold: number;
  topProducts: { sku: string; quantity: number; revenueCents: number }[];
}

/** The periodic report for the shop's operators: orders, revenue and best sellers since the last one. */
export function composeSalesReportEmail(
  job: EventOf<typeof SalesReportDueV1>,
  summary: SalesSummary,
  options: { to: string; currency: string; messageIdDomain: string },
): OutgoingEmail {
  const { since, scheduledFor } = job.data;
  const money = (cents: number) =>
    new Intl.NumberFormat('en', { style: 'currency', currency: options.currency }).format(cents / 100);
  const period = `${since} to ${scheduledFor}`;
  const top = summary.topProducts.map(
    (product) => `${product.sku}: ${product.quantity} sold, ${money(product.revenueCents)}`,
  );
  const text = [
    `Sales from ${period}`,
    '',
    `Orders: ${summary.orders}`,
    `Revenue: ${money(summary.revenueCents)}`,
    `Items sold: ${summary.itemsSold}`,
    '',
    'Top products:',
    ...(top.length > 0 ? top.map((line) => `- ${line}`) : ['- none']),
  ].join('\n');
  const html =
    `<h1>Sales from ${escapeHtml(period)}</h1>` +
    `<table><tbody><tr><th>Orders</th><td>${summary.orders}</td></tr>` +
    `<tr><th>Revenue</th><td>${money(summary.revenueCents)}</td></tr>` +
    `<tr><th>Items sold</th><td>${summary.itemsSold}</td></tr></tbody></table>` +
    '<h2>Top products</h2>' +
    `<ul>${top.map((line) => `<li>${escapeHtml(line)}</li>`).join('') || '<li>none</li>'}</ul>`;
  return {
    kind: 'sales-report',
    to: { name: 'Shop operators', address: options.to },
    subject: `Sales report: ${summary.orders} orders, ${money(summary.revenueCents)}`,
    text,
    html,
    messageId: `<sales-report.${job.id}@${options.messageIdDomain}>`,
  };
}
