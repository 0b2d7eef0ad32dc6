import { type Answer, ServiceApi } from './service-api';

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

/** Checkout's orders API: listing and searching orders is an operators' route of it, with the admin token. */
export class CheckoutApi extends ServiceApi {
  constructor(baseUrl: string, adminToken: string) {
    super('Checkout', baseUrl, adminToken);
  }

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

  order(id: string): Promise<Answer<Order>> {
    return this.get<Order>(`/orders/${encodeURIComponent(id)}`);
  }
}
