import type { JobToSchedule } from '@shared/operations';
import type { SentConfirmation, SentConfirmations } from '../data/sent-confirmations';

/**
 * The confirmation records and the jobs table in memory, with their keys:
 * one confirmation per order, one job per id.
 */
export class InMemorySentConfirmations implements SentConfirmations {
  readonly sent = new Map<string, SentConfirmation>();
  readonly jobs = new Map<string, JobToSchedule>();

  async find(orderId: string) {
    return this.sent.get(orderId) ?? null;
  }

  async claim(_tx: unknown, sent: SentConfirmation) {
    if (this.sent.has(sent.orderId)) return false;
    this.sent.set(sent.orderId, sent);
    return true;
  }

  async scheduleJob(_tx: unknown, job: JobToSchedule) {
    if (this.jobs.has(job.event.id)) return false;
    this.jobs.set(job.event.id, job);
    return true;
  }
}
