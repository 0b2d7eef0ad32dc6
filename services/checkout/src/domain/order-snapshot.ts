/** An order with its lines and tasks, as the API shows it: read from the database, or just written. */
export interface OrderSnapshot {
  id: string;
  status: 'pending' | 'confirmed' | 'payment_declined' | 'failed';
  customerEmail: string;
  customerName: string;
  totalCents: number;
  currency: string;
  paymentId: string | null;
  createdAt: Date;
  lines: { sku: string; name: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[];
  tasks: {
    task: string;
    status: 'pending' | 'retrying' | 'completed' | 'failed';
    attempts: number;
    lastError: string | null;
    url: string | null;
    updatedAt: Date;
    /** One entry per attempt reported, in attempt order. */
    timeline: TaskAttemptSnapshot[];
  }[];
}

/** One attempt at a task, as its outcome event reported it. */
export interface TaskAttemptSnapshot {
  attempt: number;
  /** As stored: `dead_lettered` is the database's `dead-lettered`. */
  outcome: 'completed' | 'failed' | 'dead_lettered';
  error: string | null;
  /** A completed attempt's result: what its event reported besides the order and the attempt. */
  result: unknown;
  /** Null for an outcome event published before outcome events carried it. */
  startedAt: Date | null;
  finishedAt: Date;
}
