import type { Order, OrderTask, TaskAttempt } from '../sources/checkout-api';
import type { Answer } from '../sources/service-api';
import { badge, money, shortId, time } from './format';
import { html } from './html';

/** A table of orders with each task's status; `caption` says which orders. */
export function ordersTable(answer: Answer<Order[]>, tasks: readonly string[], caption: string) {
  if (!answer.ok) return unavailable(answer);
  if (answer.body.length === 0) return html`<p>No orders.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="${caption}" tabindex="0">
    <table>
      <caption>${caption}</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Customer</th>
          <th scope="col">Placed</th>
          <th scope="col">Total</th>
          ${tasks.map((task) => html`<th scope="col">${task}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${answer.body.map(
          (order) => html`<tr data-order-id="${order.id}">
            <th scope="row">
              <button type="button" class="link" hx-get="/api/orders/${order.id}" hx-target="#order-detail"
                aria-label="Open order ${order.id}">${shortId(order.id)}</button>
            </th>
            <td>${order.customer.email}</td>
            <td>${time(order.createdAt)}</td>
            <td>${money(order.totalCents, order.currency)}</td>
            ${tasks.map((task) => html`<td>${taskCell(order.fulfillment?.[task])}</td>`)}
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function taskCell(task: OrderTask | undefined) {
  if (!task) return '–';
  return html`${badge(task.status)}${task.attempts > 1 ? html` <small>${task.attempts} attempts</small>` : ''}`;
}

/** One order: its tasks, each attempt where checkout records them, and what each task produced. */
export function orderDetail(order: Order, tasks: readonly string[]) {
  const fulfillment = order.fulfillment ?? {};
  const settled = Object.values(fulfillment).every((task) => task.status === 'completed');
  // Refreshes itself until every task has completed; then it stops asking.
  const refresh = settled ? {} : { trigger: 'every 2s' };
  return html`<article class="detail" aria-labelledby="order-${order.id}"
      ${refresh.trigger ? html`hx-get="/api/orders/${order.id}" hx-trigger="${refresh.trigger}" hx-swap="morph:outerHTML"` : ''}>
    <h3 id="order-${order.id}">Order ${order.id}</h3>
    <dl class="figures">
      <div><dt>Customer</dt><dd>${order.customer.name} &lt;${order.customer.email}&gt;</dd></div>
      <div><dt>Placed</dt><dd>${time(order.createdAt)}</dd></div>
      <div><dt>Total</dt><dd>${money(order.totalCents, order.currency)}</dd></div>
      <div><dt>Status</dt><dd>${order.status}</dd></div>
    </dl>
    ${
      order.fulfillment === null
        ? html`<p>This order was never confirmed, so it has no tasks.</p>`
        : html`<div class="table-scroll" role="region" aria-label="Tasks of order ${shortId(order.id)}" tabindex="0">
          <table>
            <caption>Tasks</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Updated</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              ${tasks.map((name) => {
                const task = fulfillment[name];
                return html`<tr>
                  <th scope="row">${name}</th>
                  <td>${task ? badge(task.status) : '–'}</td>
                  <td>${task?.attempts ?? 0}</td>
                  <td class="error-text">${task?.lastError ?? '–'}</td>
                  <td>${time(task?.updatedAt)}</td>
                  <td>${task ? result(name, task) : '–'}</td>
                </tr>`;
              })}
            </tbody>
          </table>
        </div>
        ${tasks.map((name) => timeline(name, fulfillment[name]))}`
    }
  </article>`;
}

/** What a task produced, from `result` where checkout records it, else what the task shows. */
function result(name: string, task: OrderTask) {
  const value = task.result ?? {};
  const url = typeof value.url === 'string' ? value.url : task.url;
  const parts = [];
  if (url) parts.push(html`<a href="${url}">Receipt (PDF)</a>`);
  if (typeof value.bytes === 'number') parts.push(html`<span>${Math.round(value.bytes / 1024)} kB</span>`);
  if (typeof value.messageId === 'string')
    parts.push(html`<span>Message-ID <code>${value.messageId}</code></span>`);
  if (typeof value.recordedAt === 'string') parts.push(html`<span>recorded ${time(value.recordedAt)}</span>`);
  if (Array.isArray(value.lines)) parts.push(html`<span>${value.lines.length} stock line(s)</span>`);
  if (parts.length === 0) return task.status === 'completed' && name ? 'done' : '–';
  return html`${parts.map((part, index) => html`${index > 0 ? ' · ' : ''}${part}`)}`;
}

function timeline(name: string, task: OrderTask | undefined) {
  if (!task?.timeline) return '';
  return html`<div class="table-scroll" role="region" aria-label="Attempts of the ${name} task" tabindex="0">
    <table>
      <caption>Attempts: ${name}</caption>
      <thead>
        <tr>
          <th scope="col">Attempt</th>
          <th scope="col">Started</th>
          <th scope="col">Finished</th>
          <th scope="col">Outcome</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        ${task.timeline.map(
          (attempt: TaskAttempt) => html`<tr>
            <th scope="row">${attempt.attempt}</th>
            <td>${time(attempt.startedAt)}</td>
            <td>${time(attempt.finishedAt)}</td>
            <td>${attempt.outcome ? badge(attempt.outcome) : '–'}</td>
            <td class="error-text">${attempt.error ?? '–'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** What to show when checkout did not give an answer. */
export function unavailable(answer: { status: number | null; problem: { title: string; detail?: string } }) {
  const why = answer.problem.detail ?? answer.problem.title;
  return answer.status === 404
    ? html`<p class="muted">Not available from this checkout.</p>`
    : html`<p class="error" role="alert">Checkout did not answer: ${why}</p>`;
}
