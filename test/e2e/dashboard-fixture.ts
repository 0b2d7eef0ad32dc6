import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ServiceProcess } from '../service-process';
import { FULFILLMENT_SERVICES, Stack } from './stack';

/**
 * What the dashboard browser test needs around it: the whole shop, the
 * dashboard over it, and Chromium with an operator signed in.
 * `useDashboardInABrowser` starts them before the file's tests; the bindings
 * below hold them meanwhile.
 */

const CHROMIUM = '/usr/bin/chromium';
export const IMAGES = join(__dirname, '..', '..', 'docs', 'images');
export const VIEWER_TOKEN = 'e2e-viewer-token-0123456789';

export let stack: Stack;
export let dashboard: ServiceProcess;
export let browser: Browser;
export let operator: BrowserContext;
export let page: Page;

export const region = (name: string) => page.getByRole('region', { name, exact: true });
export const emailsTo = (customers: string[]) =>
  customers.map((customer) => stack.smtp.mailsTo(customer).length);
/** Email's parked dead letters, as the operations service's store counts them. */
export const parkedAtCheckout = async () =>
  (await stack.admin<{ service: string; parked: number }[]>('/admin/dlq')).body.find(
    ({ service }) => service === 'email',
  )!.parked;

export async function signIn(context: BrowserContext, token: string): Promise<Page> {
  const signedIn = await context.newPage();
  await signedIn.goto(dashboard.url);
  await signedIn.getByLabel('Admin token').fill(token);
  await signedIn.getByRole('button', { name: 'Sign in' }).click();
  await signedIn.getByRole('heading', { name: 'Queues', exact: true }).waitFor();
  // The page's scripts are deferred: the heading shows before htmx has bound the buttons,
  // and a click that early does nothing. The load event comes after htmx's start-up.
  await signedIn.waitForLoadState('load');
  return signedIn;
}

/** The CSRF token the page sends with every htmx request. */
export const csrfTokenOf = async (of: Page) =>
  (JSON.parse((await of.locator('body').getAttribute('hx-headers')) ?? '{}') as Record<string, string>)[
    'X-CSRF-Token'
  ] as string;

export function useDashboardInABrowser() {
  beforeAll(async () => {
    stack = await Stack.start({
      label: 'e2e-dashboard',
      retryDelays: '100ms,200ms',
      // The SMTP outage below must fill the DLQ; the circuit breaker would hold the emails in
      // their queue instead (its own test: job-controls).
      envOf: { email: { CIRCUIT_BREAKER_THRESHOLD: '1000' } },
    });
    const urls = Object.fromEntries(
      (['checkout', 'operations', ...FULFILLMENT_SERVICES] as const).map((name) => [
        `${name.toUpperCase()}_URL`,
        stack.services[name].url,
      ]),
    );
    // Both settle before either failure is thrown, so afterAll stops the dashboard even when
    // the browser fails to launch.
    const starts = await Promise.allSettled([
      ServiceProcess.start('dashboard', {
        ...stack.shop.env,
        ...urls,
        ADMIN_TOKEN: stack.adminToken,
        VIEWER_TOKEN,
        DASHBOARD_REPLAY_RATE: '50',
      }).then((started) => {
        dashboard = started;
      }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }).then((launched) => {
        browser = launched;
      }),
    ]);
    for (const start of starts) if (start.status === 'rejected') throw start.reason;
    operator = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await signIn(operator, stack.adminToken);
    // "Replay the N shown" and "Discard the N shown" ask first (hx-confirm): the operator agrees.
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await stack?.stop();
  });
}
