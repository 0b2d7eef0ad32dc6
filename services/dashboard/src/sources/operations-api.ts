import type { OperationsAnswer } from '@shop/contracts/operations-api';
import { ServiceApi } from './service-api';

/** The answers' shapes, read from the operators' route descriptions (contracts/src/operations-api). */
export type DeadLetterSummary = OperationsAnswer<'deadLetterQueues'>[number];
export type DeadLetterPage = OperationsAnswer<'deadLetters'>;
export type DeadLetter = DeadLetterPage['items'][number];
export type DeadLetterDetail = OperationsAnswer<'deadLetter'>;
export type DeadLetterPreview = OperationsAnswer<'preview'>;
export type AuditEntry = OperationsAnswer<'audit'>[number];
export type ConsumerState = OperationsAnswer<'consumers'>[number];
/** The parked jobs may be absent from a service older than the dashboard, during a rolling deploy. */
export type Jobs = Omit<OperationsAnswer<'jobs'>, 'parked'> &
  Partial<Pick<OperationsAnswer<'jobs'>, 'parked'>>;

/** What the dashboard searches by: the API's filter fields. */
export interface DeadLetterFilter {
  error?: string;
  order?: string;
  type?: string;
  code?: string;
  since?: string;
  until?: string;
}

/** The operations service's API: dead letters, the audit log, consumers and jobs. */
export class OperationsApi extends ServiceApi {
  constructor(baseUrl: string, adminToken: string) {
    super('Operations', baseUrl, adminToken);
  }

  deadLetterSummary() {
    return this.admin<DeadLetterSummary[]>('/admin/dlq');
  }

  deadLetters(service: string, filter: DeadLetterFilter, limit: number) {
    const search = new URLSearchParams({ limit: String(limit) });
    for (const [key, value] of Object.entries(filter)) if (value) search.set(key, value);
    return this.admin<DeadLetterPage>(`${deadLettersOf(service)}?${search}`);
  }

  deadLetter(service: string, id: string) {
    return this.admin<DeadLetterDetail>(`${deadLettersOf(service)}/messages/${encodeURIComponent(id)}`);
  }

  preview(service: string, action: 'replay' | 'discard', ids: string[]) {
    return this.admin<DeadLetterPreview>(`${deadLettersOf(service)}/preview`, {
      method: 'POST',
      body: { action, ids },
    });
  }

  replay(service: string, selection: { ids: string[]; rate: number; actor: string }) {
    return this.admin<OperationsAnswer<'replay'>>(`${deadLettersOf(service)}/replay`, {
      method: 'POST',
      body: selection,
    });
  }

  discard(service: string, selection: { ids: string[]; reason: string; actor: string }) {
    return this.admin<OperationsAnswer<'discard'>>(`${deadLettersOf(service)}/discard`, {
      method: 'POST',
      body: selection,
    });
  }

  audit(limit: number) {
    return this.admin<AuditEntry[]>(`/admin/audit?limit=${limit}`);
  }

  consumers() {
    return this.admin<ConsumerState[]>('/admin/consumers');
  }

  setPaused(service: string, paused: boolean) {
    return this.admin<ConsumerState>(
      `/admin/consumers/${encodeURIComponent(service)}/${paused ? 'pause' : 'resume'}`,
      { method: 'POST', body: {} },
    );
  }

  jobs() {
    return this.admin<Jobs>('/admin/jobs');
  }
}

const deadLettersOf = (service: string) => `/admin/dlq/${encodeURIComponent(service)}`;
