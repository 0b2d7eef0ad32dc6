import { applyOutcome, type TaskOutcome, type TaskState } from './task-status';

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

  test('When a failure of an earlier attempt arrives after the completion, then the task stays as it is', () => {
    const completed: TaskState = { ...pending, status: 'completed', attempts: 2 };
    expect(applyOutcome(completed, { kind: 'attempt-failed', attempt: 1, error: 'late' })).toBeUndefined();
    expect(applyOutcome(completed, { kind: 'dead-lettered', attempt: 2, error: 'late' })).toBeUndefined();
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

  test('When outcomes arrive in any order, then the task ends with the same status and attempts', () => {
    const outcomes: TaskOutcome[] = [
      { kind: 'attempt-failed', attempt: 1, error: 'a' },
      { kind: 'attempt-failed', attempt: 2, error: 'b' },
      { kind: 'dead-lettered', attempt: 3, error: 'c' },
      { kind: 'completed', attempt: 2 },
    ];
    const ends = permutations(outcomes).map((order) => {
      const end = order.reduce((state, outcome) => applyOutcome(state, outcome) ?? state, pending);
      return { status: end.status, attempts: end.attempts };
    });

    expect(ends).toHaveLength(24);
    for (const end of ends) expect(end).toEqual({ status: 'completed', attempts: 3 });
  });

  test('When a failure of a later attempt arrives after the completion, then the task stays completed and counts it', () => {
    const completed: TaskState = { ...pending, status: 'completed', attempts: 2 };
    expect(applyOutcome(completed, { kind: 'dead-lettered', attempt: 3, error: 'late' })).toEqual({
      ...completed,
      attempts: 3,
      lastError: 'late',
    });
  });

  test('When the same completion arrives twice, then the second changes nothing', () => {
    const completed = applyOutcome(pending, { kind: 'completed', attempt: 1 })!;
    expect(applyOutcome(completed, { kind: 'completed', attempt: 1 })).toBeUndefined();
  });

  test('When any outcome arrives a second time, then the second changes nothing (the projection needs no inbox)', () => {
    const outcomes = [
      { kind: 'attempt-failed', attempt: 1, error: 'timeout' },
      { kind: 'attempt-failed', attempt: 2, error: 'timeout' },
      { kind: 'dead-lettered', attempt: 3, error: 'gave up' },
      { kind: 'completed', attempt: 4, url: 'http://localhost:3002/receipts/x.pdf' },
    ] as const;
    let state = pending;
    for (const outcome of outcomes) {
      state = applyOutcome(state, outcome) ?? state;
      expect(applyOutcome(state, outcome)).toBeUndefined();
    }
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}
