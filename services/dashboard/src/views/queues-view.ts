import type { ServiceState, Snapshot } from '../live/live-feed';
import type { ConsumerState } from '../sources/operations-api';
import { summaryOf } from './dead-letters-view';
import { count, duration, percent, perSecond, seconds } from './format';
import { html } from './html';

/** The Queues region's live part: one row per service, then checkout's own numbers. */
export function queuesView(snapshot: Snapshot) {
  const consumers = snapshot.consumers.ok ? snapshot.consumers.body : null;
  const checkout = snapshot.services.find((state) => state.service === 'checkout');
  return html`
    ${snapshot.brokerError && html`<p class="error" role="alert">RabbitMQ could not be read: ${snapshot.brokerError}</p>`}
    <div class="table-scroll" role="region" aria-label="Queues per service" tabindex="0">
      <table>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Waiting</th>
            <th scope="col">Retrying</th>
            <th scope="col">Dead letters</th>
            <th scope="col">Oldest waiting</th>
            <th scope="col">Oldest dead letter</th>
            <th scope="col">Consumers</th>
            <th scope="col">State</th>
            <th scope="col">In/s</th>
            <th scope="col">Out/s</th>
            <th scope="col">p50</th>
            <th scope="col">p99</th>
            <th scope="col">Errors</th>
          </tr>
        </thead>
        <tbody>
          ${snapshot.services.map((state) => serviceRow(state, consumers, snapshot))}
        </tbody>
      </table>
    </div>
    ${checkout && checkoutNumbers(checkout)}
    <p class="as-of">As of ${new Date(snapshot.at).toISOString().slice(11, 19)} UTC</p>`;
}

function serviceRow(state: ServiceState, consumers: ConsumerState[] | null, snapshot: Snapshot) {
  const now = snapshot.at;
  const { queues, reading, window } = state;
  const latest = state.rates.at(-1);
  const deadLetters = summaryOf(snapshot, state.service);
  const parkedAt = deadLetters?.oldestParkedAt ? Date.parse(deadLetters.oldestParkedAt) : Number.NaN;
  const parked = deadLetters?.parked ?? null;
  return html`<tr>
    <th scope="row">${state.service}</th>
    <td>${count(queues?.work.messages)}</td>
    <td>${retries(state)}</td>
    <td class="${parked ? 'attention' : ''}">${count(parked)}</td>
    <td>${seconds(reading?.oldestWaitingSeconds)}</td>
    <td>${parked ? duration(now - parkedAt) : '–'}</td>
    <td>${count(queues?.work.consumers)}</td>
    <td>${stateOf(state.service, consumers)}</td>
    <td>${perSecond(latest?.in)}</td>
    <td>${perSecond(latest?.out)}</td>
    <td>${seconds(window?.p50Seconds)}</td>
    <td>${seconds(window?.p99Seconds)}</td>
    <td>${state.metricsMissing ? html`<span class="attention">no metrics</span>` : percent(window?.errorRate)}</td>
  </tr>`;
}

function retries(state: ServiceState) {
  const tiers = state.queues?.retries.filter((tier) => tier.messages !== null) ?? [];
  if (tiers.length === 0) return '–';
  return html`<ul class="tiers">${tiers.map((tier) => html`<li>${tier.tier}: ${count(tier.messages)}</li>`)}</ul>`;
}

/** Paused, circuit open, or consuming, from checkout's consumer controls (when it has them). */
function stateOf(service: string, consumers: ConsumerState[] | null) {
  const state = consumers?.find((candidate) => candidate.service === service);
  if (!state) return '–';
  if (state.paused) return html`<span class="badge badge-paused">paused</span>`;
  if (state.circuit.state !== 'closed')
    return html`<span class="badge badge-failed">circuit ${state.circuit.state}</span>`;
  return html`<span class="badge badge-completed">consuming</span>`;
}

function checkoutNumbers(checkout: ServiceState) {
  const { reading, window } = checkout;
  return html`<dl class="figures" aria-label="Checkout">
    <div><dt>Orders per minute</dt><dd>${window?.ordersPerMinute === undefined || window?.ordersPerMinute === null ? '–' : window.ordersPerMinute.toFixed(1)}</dd></div>
    <div><dt>Outbox backlog</dt><dd>${count(reading?.outboxBacklog)}</dd></div>
    <div><dt>Relay lag</dt><dd>${seconds(reading?.outboxOldestAgeSeconds)}</dd></div>
  </dl>`;
}

/** The series of the charts: per service, [time in seconds, in/s, out/s] over the last minutes. */
export function ratesOf(snapshot: Snapshot) {
  return snapshot.services.map(({ service, rates }) => ({
    service,
    points: rates.map((point) => [
      Math.round(point.at / 1000),
      Number(point.in.toFixed(2)),
      Number(point.out.toFixed(2)),
    ]),
  }));
}
