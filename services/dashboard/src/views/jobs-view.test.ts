import type { Snapshot } from '../live/live-feed';
import type { Jobs } from '../sources/operations-api';
import { jobsView } from './jobs-view';

const snapshotWith = (jobs: Jobs): Snapshot => ({
  at: Date.now(),
  services: [],
  brokerError: null,
  recentOrders: { ok: true, body: [] },
  deadLetters: { ok: true, body: [] },
  consumers: { ok: true, body: [] },
  jobs: { ok: true, body: jobs },
});

describe('jobs view', () => {
  test('When a job is parked, then the Jobs region lists it with when it was parked, its attempts and its error, escaped', () => {
    const page = jobsView(
      snapshotWith({
        scheduled: [],
        recurring: [],
        parked: [
          {
            id: '6f1c0f9e-2d7b-4c41-9d0a-3d2a7e9b1c55',
            service: 'email',
            type: 'email.review-request.due',
            dueAt: '2026-12-07T10:00:00.000Z',
            subject: 'b0c4b2d4-6d1e-4d67-8c3e-2f6f4d9e8a11',
            attempts: 20,
            lastError: 'no queue received the message sent to <exchange>',
            parkedAt: '2026-12-07T10:08:12.000Z',
          },
        ],
      }),
      false,
    ).toString();

    expect(page).toContain('aria-label="Parked jobs"');
    expect(page).toContain('<time datetime="2026-12-07T10:08:12.000Z">2026-12-07 10:08:12</time>');
    expect(page).toContain('<td>email.review-request.due</td>');
    expect(page).toContain('<td>b0c4b2d4-6d1e-4d67-8c3e-2f6f4d9e8a11</td>');
    expect(page).toContain('<td>20</td>');
    expect(page).toContain('no queue received the message sent to &lt;exchange&gt;');
  });

  test('When no job is parked, or the operations service does not say, then the region says none is', () => {
    for (const jobs of [
      { scheduled: [], recurring: [], parked: [] },
      { scheduled: [], recurring: [] },
    ]) {
      const page = jobsView(snapshotWith(jobs), false).toString();
      expect(page).toContain('<p>No job is parked.</p>');
      expect(page).not.toContain('aria-label="Parked jobs"');
    }
  });
});
