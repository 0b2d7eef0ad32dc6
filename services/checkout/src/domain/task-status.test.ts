import { applyOutcome, type TaskState } from './task-status';

const pending: TaskState = { status: 'pending', attempts: 0, lastError: null, url: null };

describe('applyOutcome', () => {
  test('When the first attempt fails, then the task is retrying with its error', () => {
    expect(applyOutcome(pending, { kind: 'attempt-failed', attempt: 1, error: 'SMTP down' })).toEqual({
      ...pending,
      status: 'retrying',
      attempts: 1,
      lastError: 'SMTP down',
    });
  });

  test('When a failure arrives after the completion, then the task stays completed', () => {
    const completed: TaskState = { ...pending, status: 'completed', attempts: 2 };
    expect(applyOutcome(completed, { kind: 'attempt-failed', attempt: 1, error: 'late' })).toBeUndefined();
    expect(applyOutcome(completed, { kind: 'dead-lettered', attempt: 3, error: 'late' })).toBeUndefined();
  });

  test('When an older attempt failure arrives after a newer one, then it changes nothing', () => {
    const retrying: TaskState = { ...pending, status: 'retrying', attempts: 3, lastError: 'third' };
    expect(applyOutcome(retrying, { kind: 'attempt-failed', attempt: 2, error: 'second' })).toBeUndefined();
  });

  test('When the message is dead-lettered at the attempt that was retrying, then the task has failed', () => {
    const retrying: TaskState = { ...pending, status: 'retrying', attempts: 3, lastError: 'third' };
    expect(applyOutcome(retrying, { kind: 'dead-lettered', attempt: 3, error: 'gave up' })).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'gave up',
    });
  });

  test('When a dead-lettered task succeeds after a replay, then it is completed and keeps the highest attempt', () => {
    const failed: TaskState = { ...pending, status: 'failed', attempts: 3, lastError: 'gave up' };
    expect(
      applyOutcome(failed, { kind: 'completed', attempt: 1, url: 'http://localhost:3002/receipts/x.pdf' }),
    ).toEqual({
      status: 'completed',
      attempts: 3,
      lastError: 'gave up',
      url: 'http://localhost:3002/receipts/x.pdf',
    });
  });

  test('When the same completion arrives twice, then the second changes nothing', () => {
    const completed = applyOutcome(pending, { kind: 'completed', attempt: 1 })!;
    expect(applyOutcome(completed, { kind: 'completed', attempt: 1 })).toBeUndefined();
  });
});
