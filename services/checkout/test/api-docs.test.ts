import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { QueueInspector, uniquePrefix } from '../../../test/support';
import { CHECKOUT_ROUTES } from '../src/http/checkout-api';
import {
  anOrderRequest,
  createTestDatabase,
  getJson,
  postOrder,
  startTestCheckout,
  type TestCheckout,
  topologyFor,
} from './checkout-harness';

/**
 * Checkout's published HTTP contract, from the running service: the document
 * it serves is the committed one, its answers match it, and its reference
 * page loads nothing from another origin.
 */
const COMMITTED = path.join(__dirname, '..', '..', '..', 'contracts', 'openapi', 'checkout.json');
const CHROMIUM = '/usr/bin/chromium';

describe('checkout API documents', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let checkout: TestCheckout;
  let prefix: string;

  beforeAll(async () => {
    database = await createTestDatabase('api_docs');
    prefix = uniquePrefix('api-docs');
    // The committed document is the whole API: as served with the demo's classic route on.
    checkout = await startTestCheckout({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      CLASSIC_MODE_ENABLED: 'true',
    });
  });

  afterAll(async () => {
    await checkout?.stop();
    const inspector = await QueueInspector.open();
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database?.drop();
  });

  test('When a client asks for /openapi.json, then it gets the committed contracts/openapi/checkout.json', async () => {
    const response = await getJson(`${checkout.baseUrl}/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual(JSON.parse(readFileSync(COMMITTED, 'utf8')));
  });

  test('When an order is placed and read back, then both answers match the schemas the document was made from', async () => {
    const placed = await postOrder(checkout.baseUrl, anOrderRequest());
    const read = await getJson(`${checkout.baseUrl}/orders/${placed.body.id}`);

    expect(placed.status).toBe(201);
    expect(CHECKOUT_ROUTES.placeOrder.answers[201].body.safeParse(placed.body).error).toBeUndefined();
    expect(CHECKOUT_ROUTES.order.answers[200].body.safeParse(read.body).error).toBeUndefined();
  });

  test('When /docs is fetched, then its HTML loads only same-origin assets, and each of them is served', async () => {
    const response = await fetch(`${checkout.baseUrl}/docs`);
    const html = await response.text();
    const references = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
    const urls = references.map((reference) => new URL(reference, `${checkout.baseUrl}/docs`));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(references).toHaveLength(4);
    for (const url of urls) expect(url.origin).toBe(checkout.baseUrl);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    for (const url of urls) {
      const asset = await fetch(url);
      expect({ url: url.pathname, status: asset.status }).toEqual({ url: url.pathname, status: 200 });
      expect(asset.headers.get('content-type')).toMatch(
        /^(text\/css|text\/javascript|application\/javascript|image\/png)/,
      );
    }
  });

  test('When /docs is opened in a browser, then it shows the operations and requests nothing from another origin', async () => {
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const page = await browser.newPage();
      const requested: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      // A CSP refusal, a failed load or a script error is logged as a console error.
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));

      await page.goto(`${checkout.baseUrl}/docs`);
      await page.getByText('/orders/{id}', { exact: true }).first().waitFor({ timeout: 15_000 });

      expect(requested.filter((url) => !url.startsWith(`${checkout.baseUrl}/`))).toEqual([]);
      expect(requested).toContain(`${checkout.baseUrl}/openapi.json`);
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
