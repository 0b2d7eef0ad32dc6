import { joinUrl } from '@shop/shared/http';

/** What checkout answered: its JSON, or why there is none. */
export type Answer<Body> =
  | { ok: true; body: Body }
  /** An HTTP error: the problem checkout sent (status 404 when the route is not there yet). */
  | { ok: false; status: number; problem: Problem }
  /** Checkout did not answer (down, or too slow). */
  | { ok: false; status: null; problem: Problem };

export interface Problem {
  title: string;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

export type TaskStatus = 'pending' | 'retrying' | 'completed' | 'failed';

/** One attempt of a task, where checkout records them (GET /orders/{id} `timeline`). */
export interface TaskAttempt {
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  outcome: 'completed' | 'failed' | 'dead-lettered' | null;
  error: string | null;
}

export interface OrderTask {
  status: TaskStatus;
  attempts: number;
  lastError: string | null;
  updatedAt: string | null;
  url?: string;
  timeline?: TaskAttempt[];
  result?: Record<string, unknown> | null;
}

export interface Order {
  id: string;
  status: string;
  customer: { email: string; name: string };
  totalCents: number;
  currency: string;
  createdAt: string;
  fulfillment: Record<string, OrderTask> | null;
}

/** One service's dead letters in checkout's store (GET /admin/dlq). */
export interface DeadLetterSummary {
  service: string;
  parked: number;
  oldestParkedAt: string | null;
  /** Still in the DLQ, not yet drained into the store; null when RabbitMQ could not be asked. */
  arriving: number | null;
}

export interface DeadLetter {
  id: string;
  messageId: string;
  type: string | null;
  orderId: string | null;
  attempts: number;
  firstFailureAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  reason: string | null;
  parkedAt: string;
  state: 'parked' | 'replayed' | 'discarded';
}

export interface DeadLetterPage {
  items: DeadLetter[];
  total: number;
  next: string | null;
}

export interface DeadLetterDetail extends DeadLetter {
  correlationId: string | null;
  headers: Record<string, unknown>;
  contentType: string | null;
  body: unknown;
}

/** A dry run (POST /admin/dlq/{service}/preview). */
export interface DeadLetterPreview {
  action: 'replay' | 'discard';
  target: string | null;
  ids: string[];
  matching: number;
  groups: { type: string | null; lastErrorCode: string | null; reason: string | null; count: number }[];
  skipped: { id: string; state: string }[];
}

/** What the dashboard searches by: checkout's filter fields. */
export interface DeadLetterFilter {
  error?: string;
  order?: string;
  type?: string;
  code?: string;
  since?: string;
  until?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  action: 'replay' | 'discard' | 'pause' | 'resume';
  service: string;
  messageId: string | null;
  orderId: string | null;
  actor: string;
  reason: string | null;
  lastError: string | null;
}

export interface ConsumerState {
  service: string;
  paused: boolean;
  circuit: { state: 'closed' | 'open' | 'half-open'; openedAt: string | null; until: string | null };
  consumers: number;
  rateLimit: string | null;
}

export interface ScheduledJob {
  id: string;
  service: string;
  type: string;
  dueAt: string;
  subject: string | null;
  attempts: number;
  lastError: string | null;
}

export interface Jobs {
  scheduled: ScheduledJob[];
  /** Absent from a checkout older than the dashboard, during a rolling deploy. */
  parked?: (ScheduledJob & { parkedAt: string })[];
  recurring: { service: string; name: string; cron: string; nextDueAt: string; lastDueAt: string | null }[];
}

const POLL_TIMEOUT_MS = 2_000;
/** A replay waits for its rate cap, so an action may take a while. */
const ACTION_TIMEOUT_MS = 120_000;

/**
 * Checkout's orders API and its admin API. The admin token stays in this
 * process: browsers talk to the dashboard, never to checkout.
 */
export class CheckoutApi {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  /** Listing orders is an operators' route of checkout's: it takes the admin token. */
  recentOrders(limit: number) {
    return this.admin<Order[]>(`/orders?limit=${limit}`);
  }

  /** Orders by email, or by id or an id's hex prefix (8+ characters); the admin token, like the list. */
  searchOrders(query: { email?: string; id?: string }, limit: number) {
    const search = new URLSearchParams({ limit: String(limit) });
    if (query.email) search.set('email', query.email);
    if (query.id) search.set('id', query.id);
    return this.admin<Order[]>(`/orders?${search}`);
  }

  order(id: string) {
    return this.get<Order>(`/orders/${encodeURIComponent(id)}`);
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
    return this.admin<{ replayed: number; ids: string[]; skipped: unknown[] }>(
      `${deadLettersOf(service)}/replay`,
      { method: 'POST', body: selection },
    );
  }

  discard(service: string, selection: { ids: string[]; reason: string; actor: string }) {
    return this.admin<{ discarded: number; ids: string[]; skipped: unknown[] }>(
      `${deadLettersOf(service)}/discard`,
      { method: 'POST', body: selection },
    );
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

  private get<Body>(path: string): Promise<Answer<Body>> {
    return this.call(path, { method: 'GET', headers: {} });
  }

  private admin<Body>(path: string, init: { method: 'POST'; body: unknown } | undefined = undefined) {
    const headers = { authorization: `Bearer ${this.adminToken}` };
    if (!init) return this.call<Body>(path, { method: 'GET', headers });
    return this.call<Body>(
      path,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(init.body),
      },
      ACTION_TIMEOUT_MS,
    );
  }

  private async call<Body>(
    path: string,
    init: RequestInit,
    timeoutMs = POLL_TIMEOUT_MS,
  ): Promise<Answer<Body>> {
    let response: Response;
    try {
      response = await fetch(joinUrl(this.baseUrl, path), {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return {
        ok: false,
        status: null,
        problem: { title: 'Checkout did not answer', detail: String(error) },
      };
    }
    const body: unknown = await response.json().catch(() => ({}));
    if (response.ok) return { ok: true, body: body as Body };
    const problem = body as Partial<Problem>;
    return {
      ok: false,
      status: response.status,
      problem: { ...problem, title: problem.title ?? `HTTP ${response.status}` },
    };
  }
}

const deadLettersOf = (service: string) => `/admin/dlq/${encodeURIComponent(service)}`;
