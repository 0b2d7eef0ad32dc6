import type { Snapshot } from '../live/live-feed';
import type {
  AuditEntry,
  DeadLetter,
  DeadLetterDetail,
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterPreview,
  DeadLetterSummary,
} from '../sources/operations-api';
import type { Answer } from '../sources/service-api';
import { count, duration, shortId, time } from './format';
import { html } from './html';
import { unavailable } from './orders-view';

/** One service's line of the dead-letter summary, if the operations service answered. */
export function summaryOf(snapshot: Snapshot, service: string): DeadLetterSummary | null {
  return snapshot.deadLetters.ok
    ? (snapshot.deadLetters.body.find((summary) => summary.service === service) ?? null)
    : null;
}

/** The live summary: every service's parked dead letters, the oldest, and a button to open its list. */
export function deadLetterCounts(snapshot: Snapshot) {
  return html`<div class="table-scroll" role="region" aria-label="Dead letters per service" tabindex="0">
    <table>
      <caption>Parked per service</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Parked</th>
          <th scope="col">Oldest</th>
          <th scope="col" title="In the DLQ, not yet in the store">Arriving</th>
          <th scope="col"><span class="visually-hidden">Open</span></th>
        </tr>
      </thead>
      <tbody>
        ${snapshot.services.map(({ service }) => {
          const summary = summaryOf(snapshot, service);
          const parked = summary?.parked ?? null;
          const parkedAt = summary?.oldestParkedAt;
          return html`<tr data-service="${service}">
            <th scope="row">${service}</th>
            <td class="${parked ? 'attention' : ''}" data-dead-letters="${service}">${count(parked)}</td>
            <td>${parked && parkedAt ? duration(snapshot.at - Date.parse(parkedAt)) : '–'}</td>
            <td>${count(summary?.arriving)}</td>
            <td><button type="button" hx-get="/api/dead-letters/${service}" hx-target="#dead-letter-list"
              aria-label="Show dead letters of ${service}">Show</button></td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

const FILTERS: { name: keyof DeadLetterFilter; label: string; type: string }[] = [
  { name: 'error', label: 'Error contains', type: 'search' },
  { name: 'code', label: 'Error code', type: 'search' },
  { name: 'type', label: 'Event type', type: 'search' },
  { name: 'order', label: 'Order id', type: 'search' },
  { name: 'since', label: 'Parked from (UTC)', type: 'datetime-local' },
  { name: 'until', label: 'Parked before (UTC)', type: 'datetime-local' },
];

/**
 * One service's dead letters, with filters and, for an operator, the
 * actions. Every action names the dead letters it acts on: the ticked ones,
 * or exactly the ones shown (their ids travel with the form), never whatever
 * else matches the filter by then.
 */
export function deadLetterList(
  service: string,
  answer: Answer<DeadLetterPage>,
  filter: DeadLetterFilter,
  canAct: boolean,
) {
  const query = new URLSearchParams(
    Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const self = `/api/dead-letters/${service}${query.size > 0 ? `?${query}` : ''}`;
  // The list reloads itself after every replay or discard; a sibling asks, so that no button
  // inside inherits its target.
  return html`<div class="panel">
    <div hx-get="${self}" hx-trigger="dead-letters-changed from:body" hx-target="#dead-letter-list"></div>
    <h3>Dead letters of ${service}</h3>
    <form class="filters" hx-get="/api/dead-letters/${service}" hx-target="#dead-letter-list">
      ${FILTERS.map(
        ({ name, label, type }) =>
          html`<label>${label} <input name="${name}" type="${type}" value="${filter[name] ?? ''}"></label>`,
      )}
      <button type="submit">Filter</button>
    </form>
    ${answer.ok ? deadLetterTable(service, answer.body, canAct, query.size > 0) : unavailable(answer)}
  </div>`;
}

function deadLetterTable(service: string, page: DeadLetterPage, canAct: boolean, filtered: boolean) {
  const { items, total } = page;
  if (items.length === 0) return html`<p>No parked dead letters${filtered ? ' match' : ''}.</p>`;
  return html`<form id="dead-letter-actions" hx-target="#dead-letter-result">
    ${items.map((item) => html`<input type="hidden" name="shown" value="${item.id}">`)}
    <div class="table-scroll" role="region" aria-label="Dead letters of ${service}" tabindex="0">
      <table>
        <caption>${items.length} of ${total} parked dead letter(s)${items.length < total ? ', oldest first' : ''}</caption>
        <thead>
          <tr>
            ${canAct ? html`<th scope="col"><span class="visually-hidden">Select</span></th>` : ''}
            <th scope="col">Message</th>
            <th scope="col">Order</th>
            <th scope="col">Type</th>
            <th scope="col">Last error</th>
            <th scope="col">Reason</th>
            <th scope="col">Attempts</th>
            <th scope="col">Parked</th>
            <th scope="col"><span class="visually-hidden">Details</span></th>
          </tr>
        </thead>
        <tbody>
          ${items.map((item) => row(service, item, canAct))}
        </tbody>
      </table>
    </div>
    ${canAct ? actions(service, items.length) : ''}
    <div id="dead-letter-preview" aria-live="polite"></div>
  </form>`;
}

function row(service: string, item: DeadLetter, canAct: boolean) {
  return html`<tr>
    ${
      canAct
        ? html`<td><input type="checkbox" name="ids" value="${item.id}"
          aria-label="Select message ${item.messageId}"></td>`
        : ''
    }
    <th scope="row"><code>${shortId(item.messageId)}</code></th>
    <td>${item.orderId ? shortId(item.orderId) : '–'}</td>
    <td>${item.type ?? '–'}</td>
    <td class="error-text">${item.lastErrorCode ? html`<code>${item.lastErrorCode}</code> ` : ''}${item.lastError ?? '–'}</td>
    <td>${item.reason ?? '–'}</td>
    <td>${item.attempts}</td>
    <td>${time(item.parkedAt)}</td>
    <td><button type="button" hx-get="/api/dead-letters/${service}/messages/${item.id}"
      hx-target="#dead-letter-detail" aria-label="Details of message ${item.messageId}">Details</button></td>
  </tr>`;
}

function actions(service: string, shown: number) {
  const post = (action: string, scope: string) => `/api/dead-letters/${service}/${action}?scope=${scope}`;
  return html`<fieldset class="actions">
    <legend>Act on ${service}'s dead letters (replays are rate-capped)</legend>
    <button type="button" hx-post="${post('preview', 'shown')}" hx-target="#dead-letter-preview">Preview the ${shown} shown</button>
    <button type="button" hx-post="${post('replay', 'selected')}">Replay ticked</button>
    <button type="button" hx-post="${post('replay', 'shown')}"
      hx-confirm="Replay the ${shown} dead letters shown?">Replay the ${shown} shown</button>
    <label for="discard-reason-${service}">Reason for discarding</label>
    <input id="discard-reason-${service}" name="reason" type="text" maxlength="1000">
    <button type="button" class="danger" hx-post="${post('discard', 'selected')}">Discard ticked</button>
    <button type="button" class="danger" hx-post="${post('discard', 'shown')}"
      hx-confirm="Discard the ${shown} dead letters shown? They are settled for good.">Discard the ${shown} shown</button>
  </fieldset>`;
}

/** The dry run of the shown dead letters: how many, where a replay sends them, and their failures grouped. */
export function deadLetterPreview(preview: DeadLetterPreview) {
  return html`<div class="preview">
    <p>A replay would send <strong>${preview.ids.length}</strong> dead letter(s)${
      preview.target ? html` to <code>${preview.target}</code>` : ''
    }; a discard would settle the same ones. Nothing has been done yet.</p>
    <table>
      <caption>Grouped by failure</caption>
      <thead>
        <tr><th scope="col">Count</th><th scope="col">Type</th><th scope="col">Error code</th><th scope="col">Reason</th></tr>
      </thead>
      <tbody>
        ${preview.groups.map(
          (group) => html`<tr>
            <td>${group.count}</td><td>${group.type ?? '–'}</td><td>${group.lastErrorCode ?? '–'}</td><td>${group.reason ?? '–'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${
      preview.skipped.length > 0
        ? html`<p>${preview.skipped.length} shown are no longer parked and would be skipped.</p>`
        : ''
    }
  </div>`;
}

/** One dead letter in full: why, how often, when, its headers and body; and its own buttons. */
export function deadLetterDetail(service: string, item: DeadLetterDetail, canAct: boolean) {
  const post = (action: string) => `/api/dead-letters/${service}/${action}?scope=one`;
  return html`<article class="detail" aria-labelledby="message-heading">
    <h3 id="message-heading">Message ${item.messageId}</h3>
    <dl class="figures">
      <div><dt>Service</dt><dd>${service}</dd></div>
      <div><dt>Order</dt><dd>${item.orderId ?? '–'}</dd></div>
      <div><dt>State</dt><dd>${item.state}</dd></div>
      <div><dt>Reason</dt><dd>${item.reason ?? '–'}</dd></div>
      <div><dt>Attempts</dt><dd>${item.attempts}</dd></div>
      <div><dt>First failure</dt><dd>${time(item.firstFailureAt)}</dd></div>
      <div><dt>Parked</dt><dd>${time(item.parkedAt)}</dd></div>
      <div><dt>Last error</dt><dd class="error-text">${item.lastError ?? '–'}</dd></div>
    </dl>
    <h4>Headers</h4>
    <pre tabindex="0">${JSON.stringify(item.headers, null, 2)}</pre>
    <h4>Body</h4>
    <pre tabindex="0">${typeof item.body === 'string' ? item.body : JSON.stringify(item.body, null, 2)}</pre>
    ${
      canAct && item.state === 'parked'
        ? html`<form class="actions" hx-target="#dead-letter-result">
          <input type="hidden" name="ids" value="${item.id}">
          <button type="button" hx-post="${post('replay')}">Replay</button>
          <label for="discard-one-reason">Reason for discarding</label>
          <input id="discard-one-reason" name="reason" type="text" maxlength="1000">
          <button type="button" class="danger" hx-post="${post('discard')}">Discard</button>
        </form>`
        : ''
    }
  </article>`;
}

export function auditLog(answer: Answer<AuditEntry[]>) {
  if (!answer.ok) return unavailable(answer);
  if (answer.body.length === 0) return html`<p>No operator action yet.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="Audit log" tabindex="0">
    <table>
      <caption>Every replay, discard, pause and resume, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Action</th>
          <th scope="col">Service</th>
          <th scope="col">Message</th>
          <th scope="col">Order</th>
          <th scope="col">Who</th>
          <th scope="col">Reason</th>
          <th scope="col">Error it had</th>
        </tr>
      </thead>
      <tbody>
        ${answer.body.map(
          (entry) => html`<tr>
            <td>${time(entry.at)}</td>
            <th scope="row">${entry.action}</th>
            <td>${entry.service}</td>
            <td>${entry.messageId ? html`<code>${shortId(entry.messageId)}</code>` : '–'}</td>
            <td>${entry.orderId ? shortId(entry.orderId) : '–'}</td>
            <td>${entry.actor}</td>
            <td>${entry.reason ?? '–'}</td>
            <td class="error-text">${entry.lastError ?? '–'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
