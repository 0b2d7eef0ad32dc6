import type { EventOf } from '@shared/messaging';
import type { OrderCompletedV1 } from '@shop/contracts/events';
import { receiptUrl } from '@shop/contracts/receipts';
import type { OutgoingEmail } from '../smtp/smtp-mailer';

type OrderCompleted = EventOf<typeof OrderCompletedV1>;

/**
 * The confirmation for one completed order: a plain-text and an HTML part with
 * the same content (lines, quantities, prices, total) and a link to the receipt.
 */
export function composeConfirmationEmail(
  event: OrderCompleted,
  options: { receiptsBaseUrl: string; messageIdDomain: string },
): OutgoingEmail {
  const { orderId, customer, items, totalCents, currency } = event.data;
  const money = (cents: number) =>
    new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
  const receipt = receiptUrl(options.receiptsBaseUrl, orderId);

  const text = [
    `Hello ${customer.name},`,
    '',
    `thank you for your order ${orderId}.`,
    '',
    ...items.map(
      (item) =>
        `${item.quantity} x ${item.name} (${item.sku}) at ${money(item.unitPriceCents)} = ${money(item.lineTotalCents)}`,
    ),
    '',
    `Total: ${money(totalCents)}`,
    '',
    `Your receipt: ${receipt}`,
  ].join('\n');

  const rows = items
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.name)} (${escapeHtml(item.sku)})</td><td>${item.quantity}</td>` +
        `<td>${money(item.unitPriceCents)}</td><td>${money(item.lineTotalCents)}</td></tr>`,
    )
    .join('');
  const html =
    `<p>Hello ${escapeHtml(customer.name)},</p>` +
    `<p>thank you for your order <strong>${orderId}</strong>.</p>` +
    '<table><thead><tr><th>Item</th><th>Quantity</th><th>Price</th><th>Amount</th></tr></thead>' +
    `<tbody>${rows}</tbody>` +
    `<tfoot><tr><td colspan="3">Total</td><td>${money(totalCents)}</td></tr></tfoot></table>` +
    `<p><a href="${escapeHtml(receipt)}">Download your receipt</a></p>`;

  return {
    kind: 'order-confirmation',
    to: { name: customer.name, address: customer.email },
    subject: `Your order ${orderId} is confirmed`,
    text,
    html,
    messageId: `<order-confirmation.${event.id}@${options.messageIdDomain}>`,
  };
}

export const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Customer names and product names are user input; they must not become markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}
