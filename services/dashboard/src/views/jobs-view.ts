import type { Snapshot } from '../live/live-feed';
import type { ConsumerState, Jobs } from '../sources/operations-api';
import { badge, time } from './format';
import { html } from './html';
import { unavailable } from './orders-view';

/** The Jobs region: each consumer's pause and circuit state, then scheduled, parked and recurring jobs. */
export function jobsView(snapshot: Snapshot, canAct: boolean) {
  return html`<h3>Consumers</h3>
    ${snapshot.consumers.ok ? consumersTable(snapshot.consumers.body, canAct) : unavailable(snapshot.consumers)}
    <h3>Scheduled jobs</h3>
    ${snapshot.jobs.ok ? scheduledTable(snapshot.jobs.body) : unavailable(snapshot.jobs)}
    <h3>Parked jobs</h3>
    ${snapshot.jobs.ok ? parkedTable(snapshot.jobs.body) : unavailable(snapshot.jobs)}
    <h3>Recurring jobs</h3>
    ${snapshot.jobs.ok ? recurringTable(snapshot.jobs.body) : unavailable(snapshot.jobs)}`;
}

function consumersTable(consumers: ConsumerState[], canAct: boolean) {
  return html`<div class="table-scroll" role="region" aria-label="Consumers" tabindex="0">
    <table>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Consumers</th>
          <th scope="col">State</th>
          <th scope="col">Circuit breaker</th>
          <th scope="col">Rate limit</th>
          ${canAct ? html`<th scope="col"><span class="visually-hidden">Action</span></th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${consumers.map(
          (consumer) => html`<tr>
            <th scope="row">${consumer.service}</th>
            <td>${consumer.consumers}</td>
            <td>${badge(consumer.paused ? 'paused' : 'consuming')}</td>
            <td>${badge(consumer.circuit.state)}${
              consumer.circuit.until ? html` until ${time(consumer.circuit.until)}` : ''
            }</td>
            <td>${consumer.rateLimit ?? '–'}</td>
            ${
              canAct
                ? html`<td><button type="button" hx-swap="none"
                  hx-post="/api/consumers/${consumer.service}/${consumer.paused ? 'resume' : 'pause'}"
                  >${consumer.paused ? 'Resume' : 'Pause'} ${consumer.service}</button></td>`
                : ''
            }
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function scheduledTable({ scheduled }: Jobs) {
  if (scheduled.length === 0) return html`<p>No job is scheduled.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="Scheduled jobs" tabindex="0">
    <table>
      <thead>
        <tr>
          <th scope="col">Due</th>
          <th scope="col">Type</th>
          <th scope="col">Service</th>
          <th scope="col">Subject</th>
        </tr>
      </thead>
      <tbody>
        ${scheduled.map(
          (job) => html`<tr>
            <th scope="row">${time(job.dueAt)}</th>
            <td>${job.type}</td>
            <td>${job.service}</td>
            <td>${job.subject ?? '–'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Jobs the relay stopped publishing: each waits for an operator to fix the cause and release it. */
function parkedTable({ parked = [] }: Jobs) {
  if (parked.length === 0) return html`<p>No job is parked.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="Parked jobs" tabindex="0">
    <table>
      <thead>
        <tr>
          <th scope="col">Parked</th>
          <th scope="col">Type</th>
          <th scope="col">Service</th>
          <th scope="col">Subject</th>
          <th scope="col">Due</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        ${parked.map(
          (job) => html`<tr>
            <th scope="row">${time(job.parkedAt)}</th>
            <td>${job.type}</td>
            <td>${job.service}</td>
            <td>${job.subject ?? '–'}</td>
            <td>${time(job.dueAt)}</td>
            <td>${job.attempts}</td>
            <td class="error-text">${job.lastError ?? '–'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function recurringTable({ recurring }: Jobs) {
  if (recurring.length === 0) return html`<p>No recurring job.</p>`;
  return html`<div class="table-scroll" role="region" aria-label="Recurring jobs" tabindex="0">
    <table>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Service</th>
          <th scope="col">Schedule</th>
          <th scope="col">Next due</th>
          <th scope="col">Last due</th>
        </tr>
      </thead>
      <tbody>
        ${recurring.map(
          (job) => html`<tr>
            <th scope="row">${job.name}</th>
            <td>${job.service}</td>
            <td><code>${job.cron}</code></td>
            <td>${time(job.nextDueAt)}</td>
            <td>${time(job.lastDueAt)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
