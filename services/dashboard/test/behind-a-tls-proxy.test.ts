import { request } from 'node:http';
import { amqpUrl, testLogger, uniquePrefix } from '../../../test/support';
import { loadDashboardConfig } from '../src/config';
import { startDashboard } from '../src/start-dashboard';

/**
 * The dashboard behind a proxy that terminates TLS, as most deployments put
 * it: the browser is on https://dashboard.example, the dashboard hears plain
 * HTTP with X-Forwarded-Proto: https. With TRUST_PROXY set it signs in,
 * accepts the page's own POSTs and marks its cookie Secure; without it, the
 * forwarded headers are not believed.
 */

const ADMIN_TOKEN = 'proxy-test-admin-token-0123456789';
const PUBLIC = 'dashboard.example';

describe('the dashboard behind a TLS-terminating proxy', () => {
  const started: { stop(): Promise<void> }[] = [];

  const start = async (env: Record<string, string> = {}) => {
    const config = loadDashboardConfig({
      PORT: '0',
      AMQP_URL: amqpUrl(),
      QUEUE_PREFIX: uniquePrefix('dashboard-proxy'),
      ADMIN_TOKEN,
      // Nothing answers here: these tests never reach checkout.
      CHECKOUT_URL: 'http://127.0.0.1:1',
      ...env,
    });
    const dashboard = await startDashboard(config, testLogger());
    started.push(dashboard);
    return `http://127.0.0.1:${dashboard.port}`;
  };

  /** An answer's status, Set-Cookie and body. */
  interface Answer {
    status: number;
    cookie: string;
    body: string;
  }

  /**
   * A request as the proxy forwards it: the browser's Host and Origin, and the
   * scheme it used. (node:http, because fetch does not let a caller set Host.)
   */
  const forwarded = (
    base: string,
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string> },
  ) =>
    new Promise<Answer>((resolve, reject) => {
      const sent = request(
        `${base}${path}`,
        {
          method: init.method ?? 'POST',
          headers: {
            host: PUBLIC,
            origin: `https://${PUBLIC}`,
            'x-forwarded-proto': 'https',
            'x-forwarded-for': '203.0.113.7',
            'content-type': 'application/x-www-form-urlencoded',
            ...init.headers,
          },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              cookie: [response.headers['set-cookie'] ?? []].flat().join('\n'),
              body,
            }),
          );
        },
      );
      sent.on('error', reject);
      sent.end(init.body);
    });

  afterAll(async () => {
    await Promise.all(started.map((dashboard) => dashboard.stop()));
  });

  test('When TRUST_PROXY=1 and the browser is on https, then sign-in sets a Secure cookie, the page POSTs are accepted, and a foreign origin is still refused', async () => {
    const base = await start({ TRUST_PROXY: '1' });

    const signIn = await forwarded(base, '/sign-in', { body: `token=${ADMIN_TOKEN}` });
    expect(signIn.status).toBe(303);
    expect(signIn.cookie).toMatch(/dashboard_session=/);
    expect(signIn.cookie).toMatch(/;\s*Secure/i);
    const session = signIn.cookie.split(';')[0]!;

    const page = await forwarded(base, '/', { method: 'GET', headers: { cookie: session } });
    const csrfToken = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;|"X-CSRF-Token":"([^"]+)"/.exec(page.body);
    const token = csrfToken?.[1] ?? csrfToken?.[2] ?? '';
    expect(token).not.toBe('');

    const foreign = await forwarded(base, '/sign-out', {
      headers: { cookie: session, 'x-csrf-token': token, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);

    const signOut = await forwarded(base, '/sign-out', {
      headers: { cookie: session, 'x-csrf-token': token },
    });
    expect(signOut.status).toBe(303);
    expect(signOut.cookie).toMatch(/dashboard_session=;.*Secure/i);
  });

  test('When TRUST_PROXY is not set, then a forwarded https is not believed: the https origin is refused and no cookie is marked Secure', async () => {
    const base = await start();

    const signIn = await forwarded(base, '/sign-in', { body: `token=${ADMIN_TOKEN}` });
    const direct = await forwarded(base, '/sign-in', {
      body: `token=${ADMIN_TOKEN}`,
      headers: { origin: `http://${PUBLIC}` },
    });

    expect(signIn.status).toBe(403);
    expect(direct.status).toBe(303);
    expect(direct.cookie).toMatch(/dashboard_session=/);
    expect(direct.cookie).not.toMatch(/;\s*Secure/i);
  });

  test('When TRUST_PROXY is not a hop count, then the dashboard refuses to start and names the variable', () => {
    expect(() => loadDashboardConfig({ ADMIN_TOKEN, TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY:/);
  });
});
