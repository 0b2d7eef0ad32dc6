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

/**
 * One attempt as the task's timeline keeps it: one entry per attempt number.
 * The same outcome again changes nothing. Two different outcomes of one
 * attempt come only from duplicates (a redelivery, a second copy of the
 * order's event); the later stage wins (failed, then dead-lettered, then
 * completed), and between two of one kind the one that finished first, so
 * the entry ends the same whatever order they arrive in
 * (data/fulfillment-tasks.ts writes it so).
 */
export interface AttemptRecord {
  attempt: number;
  outcome: 'completed' | 'failed' | 'dead-lettered';
  /** Null for a completed attempt. */
  error: string | null;
  /** A completed attempt's result: what its event reported besides the order and the attempt. */
  result: Record<string, unknown> | null;
  /** Null for an outcome event published before outcome events carried it. */
  startedAt: Date | null;
  finishedAt: Date;
}

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
 * is final (a success after a DLQ replay also completes a failed task), an
 * outcome older than the state (a lower attempt) changes nothing, and
 * `attempts` is the highest attempt reported, whichever came first (a
 * failure reported after the success of an earlier attempt still counts).
 * Returns undefined when the state stays as it is.
 */
export function applyOutcome(current: TaskState, outcome: TaskOutcome): TaskState | undefined {
  const status = STATUS_OF[outcome.kind];
  const attempts = Math.max(current.attempts, outcome.attempt);
  if (current.status === 'completed') {
    if (attempts === current.attempts) return undefined;
    if (outcome.kind === 'completed') return { ...current, attempts };
    return { ...current, attempts, lastError: outcome.error };
  }
  if (outcome.kind === 'completed') return { ...current, status, attempts, url: outcome.url ?? current.url };
  const newer =
    outcome.attempt > current.attempts ||
    (outcome.attempt === current.attempts && RANK[status] > RANK[current.status]);
  if (!newer) return undefined;
  return { ...current, status, attempts, lastError: outcome.error };
}
