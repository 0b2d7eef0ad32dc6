import ms from 'ms';
import { html } from './html';

/** "3s", "2m", "1h": how long ago or how long, for a table cell; a dash for nothing. */
export function duration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) return '–';
  return milliseconds < 1_000 ? `${Math.round(milliseconds)}ms` : ms(Math.round(milliseconds));
}

export function seconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : duration(value * 1000);
}

export function perSecond(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : String(value);
}

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

/** A time as a machine-readable <time> with a short UTC text, or a dash. */
export function time(iso: string | null | undefined) {
  if (!iso) return html`–`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  return html`<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 19).replace('T', ' ')}</time>`;
}

/** The first 8 characters of an id, enough to tell orders apart on screen. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** A status as a word with a class for its colour, so it never depends on colour alone. */
export function badge(status: string) {
  return html`<span class="badge badge-${status.replace(/[^a-z-]/gi, '')}">${status}</span>`;
}
