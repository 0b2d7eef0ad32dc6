import { joinUrl } from '@shared/http';

/** What a service answered: its JSON, or why there is none. */
export type Answer<Body> =
  | { ok: true; body: Body }
  /** An HTTP error: the problem the service sent (status 404 when the route is not there yet). */
  | { ok: false; status: number; problem: Problem }
  /** The service did not answer (down, or too slow). */
  | { ok: false; status: null; problem: Problem };

export interface Problem {
  title: string;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

const POLL_TIMEOUT_MS = 2_000;
/** A replay waits for its rate cap, so an action may take a while. */
const ACTION_TIMEOUT_MS = 120_000;

/**
 * A client of a service's JSON API, with the admin token for its operators'
 * routes. The token stays in this process: browsers talk to the dashboard,
 * never to the services.
 */
export class ServiceApi {
  constructor(
    /** Named in the problem when the service does not answer. */
    private readonly name: string,
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  protected get<Body>(path: string): Promise<Answer<Body>> {
    return this.call(path, { method: 'GET', headers: {} });
  }

  protected admin<Body>(path: string, init: { method: 'POST'; body: unknown } | undefined = undefined) {
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
        problem: { title: `${this.name} did not answer`, detail: String(error) },
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
