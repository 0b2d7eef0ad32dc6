import type { FulfillmentTasks } from '../data/fulfillment-tasks';
import type { AttemptRecord, TaskState } from '../domain/task-status';

/** As the database enum is declared: of two outcomes of one attempt, the later stage wins. */
const STAGE: Record<AttemptRecord['outcome'], number> = { failed: 0, 'dead-lettered': 1, completed: 2 };

interface StoredTask {
  state: TaskState;
  timeline: Map<number, AttemptRecord>;
}

/**
 * The fulfillment tasks and their timelines in memory, with the rules of
 * data/fulfillment-tasks.ts: nothing is written for a task no order has, an
 * attempt is an upsert keyed by its number, and `replace` is a
 * compare-and-set. `writes` counts the task updates that went through.
 */
export class InMemoryFulfillmentTasks implements FulfillmentTasks {
  private readonly tasks = new Map<string, StoredTask>();
  writes = 0;

  /** A confirmed order's tasks, all pending. */
  addOrder(orderId: string, tasks: readonly string[]): void {
    for (const task of tasks) {
      this.tasks.set(key(orderId, task), {
        state: { status: 'pending', attempts: 0, lastError: null, url: null },
        timeline: new Map(),
      });
    }
  }

  /** The task's attempts, in attempt order. */
  timeline(orderId: string, task: string): AttemptRecord[] {
    const timeline = this.tasks.get(key(orderId, task))?.timeline ?? new Map();
    return [...timeline.values()].sort((a, b) => a.attempt - b.attempt);
  }

  async read(orderId: string, task: string) {
    const stored = this.tasks.get(key(orderId, task));
    return stored && { ...stored.state };
  }

  async recordAttemptAndRead(orderId: string, task: string, record: AttemptRecord) {
    const stored = this.tasks.get(key(orderId, task));
    if (!stored) return undefined;
    const entry = stored.timeline.get(record.attempt);
    const wins =
      !entry ||
      STAGE[record.outcome] > STAGE[entry.outcome] ||
      (record.outcome === entry.outcome && record.finishedAt < entry.finishedAt);
    if (wins) stored.timeline.set(record.attempt, record);
    return { ...stored.state };
  }

  async replace(orderId: string, task: string, seen: TaskState, next: TaskState) {
    const stored = this.tasks.get(key(orderId, task));
    if (!stored || JSON.stringify(stored.state) !== JSON.stringify(seen)) return false;
    stored.state = { ...next };
    this.writes += 1;
    return true;
  }
}

const key = (orderId: string, task: string) => `${orderId}/${task}`;
