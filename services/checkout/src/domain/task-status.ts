export type TaskStatus = 'pending' | 'retrying' | 'completed' | 'failed';

export interface TaskState {
  status: TaskStatus;
  attempts: number;
  lastError: string | null;
  url: string | null;
}

/** What a fulfillment service reported about one attempt. */
export type TaskOutcome =
  | { kind: 'completed'; attempt: number; url?: string }
  | { kind: 'attempt-failed'; attempt: number; error: string }
  | { kind: 'dead-lettered'; attempt: number; error: string };

const STATUS_OF: Record<TaskOutcome['kind'], TaskStatus> = {
  completed: 'completed',
  'attempt-failed': 'retrying',
  'dead-lettered': 'failed',
};
/** At the same attempt, a later stage wins: a retry is scheduled before the DLQ, never after. */
const RANK: Record<TaskStatus, number> = { pending: 0, retrying: 1, failed: 2, completed: 3 };

/**
 * Folds one outcome into a task's state. Outcome events can arrive in any
 * order and more than once, so the rules only ever move forward: completed
 * is final (a success after a DLQ replay also completes a failed task), and
 * an outcome older than the state (a lower attempt) changes nothing.
 * Returns undefined when the state stays as it is.
 */
export function applyOutcome(current: TaskState, outcome: TaskOutcome): TaskState | undefined {
  const status = STATUS_OF[outcome.kind];
  const attempts = Math.max(current.attempts, outcome.attempt);
  if (current.status === 'completed') {
    if (outcome.kind !== 'completed' || attempts === current.attempts) return undefined;
    return { ...current, attempts };
  }
  if (outcome.kind === 'completed') return { ...current, status, attempts, url: outcome.url ?? current.url };
  const newer =
    outcome.attempt > current.attempts ||
    (outcome.attempt === current.attempts && RANK[status] > RANK[current.status]);
  if (!newer) return undefined;
  return { ...current, status, attempts, lastError: outcome.error };
}
