import type { Snapshot } from '../live/live-feed';
import type { Answer, AuditEntry, ParkedMessage, ParkedMessageDetail } from '../sources/checkout-api';
import { count, duration, shortId, time } from './format';
import { html } from './html';
import { unavailable } from './orders-view';

/** The live summary: every service's DLQ with its depth, and a button to open its list. */
export function deadLetterCounts(snapshot: Snapshot) {
  return html`<div class="table-scroll" role="region" aria-label="Dead-letter queues" tabindex="0">
    <table>
      <caption>Parked per service</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Parked</th>
          <th scope="col">Oldest</th>
          <th scope="col"><span class="visually-hidden">Open</span></th>
        </tr>
      </thead>
      <tbody>
        ${snapshot.services.map(({ service, queues }) => {
          const parked = queues?.deadLetter.messages ?? null;
          const parkedAt = queues?.deadLetter.oldestParkedAt;
          return html`<tr data-service="${service}">
            <th scope="row">${service}</th>
            <td class="${parked ? 'attention' : ''}" data-dead-letters="${service}">${count(parked)}</td>
            <td>${parked && parkedAt ? duration(snapshot.at - Date.parse(parkedAt)) : '–'}</td>
            <td><button type="button" hx-get="/api/dead-letters/${service}" hx-target="#dead-letter-list"
              aria-label="Show dead letters of ${service}">Show</button></td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

export interface ListFilter {
  error?: string;
  order?: string;
}

/** One service's parked messages, with filters and, for an operator, the actions. */
export function deadLetterList(
  service: string,
  answer: Answer<ParkedMessage[]>,
  filter: ListFilter,
  canAct: boolean,
  limit: number,
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
      <label>Error contains <input name="error" type="search" value="${filter.error ?? ''}"></label>
      <label>Order id <input name="order" type="search" value="${filter.order ?? ''}"></label>
      <button type="submit">Filter</button>
    </form>
    ${answer.ok ? messages(service, answer.body, canAct, limit, filter) : unavailable(answer)}
  </div>`;
}

function messages(
  service: string,
  parked: ParkedMessage[],
  canAct: boolean,
  limit: number,
  filter: ListFilter,
) {
  if (parked.length === 0)
    return html`<p>No parked messages${filter.error || filter.order ? ' match' : ''}.</p>`;
  return html`<form id="dead-letter-actions" hx-target="#dead-letter-result">
    <input type="hidden" name="error" value="${filter.error ?? ''}">
    <input type="hidden" name="order" value="${filter.order ?? ''}">
    <div class="table-scroll" role="region" aria-label="Parked messages of ${service}" tabindex="0">
      <table>
        <caption>${parked.length}${parked.length === limit ? '+' : ''} parked message(s)</caption>
        <thead>
          <tr>
            ${canAct ? html`<th scope="col"><span class="visually-hidden">Select</span></th>` : ''}
            <th scope="col">Message</th>
            <th scope="col">Order</th>
            <th scope="col">Last error</th>
            <th scope="col">Reason</th>
            <th scope="col">Attempts</th>
            <th scope="col">First failure</th>
            <th scope="col"><span class="visually-hidden">Details</span></th>
          </tr>
        </thead>
        <tbody>
          ${parked.map(
            (message) => html`<tr>
              ${
                canAct
                  ? html`<td><input type="checkbox" name="messageIds" value="${message.messageId}"
                    aria-label="Select message ${message.messageId}"></td>`
                  : ''
              }
              <th scope="row"><code>${shortId(message.messageId)}</code></th>
              <td>${message.orderId ? shortId(message.orderId) : '–'}</td>
              <td class="error-text">${message.lastError ?? '–'}</td>
              <td>${message.reason ?? '–'}</td>
              <td>${message.attempts}</td>
              <td>${time(message.firstFailureAt)}</td>
              <td><button type="button" hx-get="/api/dead-letters/${service}/messages/${encodeURIComponent(message.messageId)}"
                hx-target="#dead-letter-detail" aria-label="Details of message ${message.messageId}">Details</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${canAct ? actions(service) : ''}
  </form>`;
}

function actions(service: string) {
  const post = (action: string, scope: string) => `/api/dead-letters/${service}/${action}?scope=${scope}`;
  return html`<fieldset class="actions">
    <legend>Act on ${service}'s dead letters (replays are rate-capped)</legend>
    <button type="button" hx-post="${post('replay', 'selected')}">Replay selected</button>
    <button type="button" hx-post="${post('replay', 'all')}">Replay all</button>
    <label for="discard-reason-${service}">Reason for discarding</label>
    <input id="discard-reason-${service}" name="reason" type="text" maxlength="1000">
    <button type="button" class="danger" hx-post="${post('discard', 'selected')}">Discard selected</button>
    <button type="button" class="danger" hx-post="${post('discard', 'all')}"
      hx-confirm="Discard every message shown? They are removed for good.">Discard all</button>
  </fieldset>`;
}

/** One parked message in full: why, how often, when, its headers and body; and its own buttons. */
export function deadLetterDetail(service: string, message: ParkedMessageDetail, canAct: boolean) {
  const post = (action: string) => `/api/dead-letters/${service}/${action}?scope=one`;
  return html`<article class="detail" aria-labelledby="message-heading">
    <h3 id="message-heading">Message ${message.messageId}</h3>
    <dl class="figures">
      <div><dt>Service</dt><dd>${service}</dd></div>
      <div><dt>Order</dt><dd>${message.orderId ?? '–'}</dd></div>
      <div><dt>Reason</dt><dd>${message.reason ?? '–'}</dd></div>
      <div><dt>Attempts</dt><dd>${message.attempts}</dd></div>
      <div><dt>First failure</dt><dd>${time(message.firstFailureAt)}</dd></div>
      <div><dt>Parked</dt><dd>${time(message.deadLetteredAt)}</dd></div>
      <div><dt>Last error</dt><dd class="error-text">${message.lastError ?? '–'}</dd></div>
    </dl>
    <h4>Headers</h4>
    <pre tabindex="0">${JSON.stringify(message.headers, null, 2)}</pre>
    <h4>Body</h4>
    <pre tabindex="0">${typeof message.body === 'string' ? message.body : JSON.stringify(message.body, null, 2)}</pre>
    ${
      canAct
        ? html`<form class="actions" hx-target="#dead-letter-result">
          <input type="hidden" name="messageIds" value="${message.messageId}">
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
  if (answer.body.length === 0) return html`<p>No replay or discard yet.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="Audit log" tabindex="0">
    <table>
      <caption>Every replay and discard, newest first</caption>
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
            <td><code>${shortId(entry.messageId)}</code></td>
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
