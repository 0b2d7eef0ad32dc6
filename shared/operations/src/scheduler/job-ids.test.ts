import { jobId } from './job-ids';

describe('job ids', () => {
  test('When two replicas name the same occurrence, then they get the same version-5 UUID', () => {
    const id = jobId('email/sales-report/2026-11-30T08:00:00.000Z');
    expect(jobId('email/sales-report/2026-11-30T08:00:00.000Z')).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('When the names differ, then the ids differ', () => {
    expect(jobId('email/sales-report/a')).not.toBe(jobId('email/sales-report/b'));
  });

  test('When computed, then it matches a standard version-5 UUID in the URL namespace', () => {
    // The same name through another implementation (Python's uuid.uuid5(NAMESPACE_URL, ...)).
    expect(jobId('https://www.example.com/')).toBe('3d3ed9d2-aa3d-5fa6-90e8-ed662e90f559');
  });
});
