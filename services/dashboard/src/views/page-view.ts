import type { Role } from '../http/sessions';
import { type Html, html } from './html';

const head = (title: string) => html`<meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/assets/dashboard.css">`;

/** The sign-in page; `error` when the last token was refused. */
export function signInPage(error?: string): Html {
  return html`<!doctype html>
<html lang="en">
<head>${head('Sign in · Shop operations')}</head>
<body class="sign-in">
  <main>
    <h1>Shop operations</h1>
    <form method="post" action="/sign-in">
      <label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        ${error ? html`aria-invalid="true" aria-describedby="sign-in-error"` : ''}>
      ${error ? html`<p id="sign-in-error" class="error" role="alert">${error}</p>` : ''}
      <button type="submit">Sign in</button>
    </form>
    <p class="muted">The operators' token is the shop's <code>ADMIN_TOKEN</code>; a <code>VIEWER_TOKEN</code> signs in read-only.</p>
  </main>
</body>
</html>`;
}

export interface PageRegions {
  queues: Html;
  orders: Html;
  deadLetterCounts: Html;
  jobs: Html;
}

/**
 * The dashboard: four regions, each filled from the latest snapshot and then
 * kept current by the live stream (dashboard.js). The CSRF token goes into
 * every htmx request's headers from the body's hx-headers.
 */
export function dashboardPage(role: Role, csrfToken: string, regions: PageRegions): Html {
  const headers = JSON.stringify({ 'X-CSRF-Token': csrfToken });
  return html`<!doctype html>
<html lang="en">
<head>${head('Shop operations')}
  <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0}'>
  <link rel="stylesheet" href="/assets/uPlot.min.css">
  <script src="/assets/htmx.min.js" defer></script>
  <script src="/assets/idiomorph-ext.min.js" defer></script>
  <script src="/assets/uPlot.iife.min.js" defer></script>
  <script src="/assets/dashboard.js" defer></script>
</head>
<body hx-ext="morph" hx-headers="${headers}" data-role="${role}">
  <a class="skip" href="#main">Skip to the dashboard</a>
  <header>
    <h1>Shop operations</h1>
    <nav aria-label="Regions">
      <a href="#queues">Queues</a>
      <a href="#orders">Orders</a>
      <a href="#dead-letters">Dead letters</a>
      <a href="#jobs">Jobs</a>
    </nav>
    <p class="who">${role === 'operator' ? 'Operator' : 'Viewer (read-only)'} · <span id="live-status">connecting…</span></p>
    <form method="post" action="/sign-out">
      <input type="hidden" name="csrfToken" value="${csrfToken}">
      <button type="submit" class="link">Sign out</button>
    </form>
  </header>
  <main id="main">
    <section id="queues" aria-labelledby="queues-heading">
      <h2 id="queues-heading">Queues</h2>
      <div data-live="queues">${regions.queues}</div>
      <h3>Messages in and out per second, last 5 minutes</h3>
      <div id="charts" class="charts"></div>
    </section>

    <section id="orders" aria-labelledby="orders-heading">
      <h2 id="orders-heading">Orders</h2>
      <form role="search" class="filters" hx-get="/api/orders/search" hx-target="#order-search-results"
        hx-trigger="submit, input changed delay:400ms from:#order-query">
        <label for="order-query">Find orders by id or email</label>
        <input id="order-query" name="q" type="search" autocomplete="off" placeholder="id, id prefix (8+) or email">
        <button type="submit">Search</button>
      </form>
      <div id="order-search-results" aria-live="polite"></div>
      <div data-live="orders">${regions.orders}</div>
      <div id="order-detail" aria-live="polite"></div>
      <p class="error" role="alert" data-errors></p>
    </section>

    <section id="dead-letters" aria-labelledby="dead-letters-heading">
      <h2 id="dead-letters-heading">Dead letters</h2>
      <div data-live="dead-letter-counts">${regions.deadLetterCounts}</div>
      <p id="dead-letter-result" role="status"></p>
      <p class="error" role="alert" data-errors></p>
      <div id="dead-letter-list"></div>
      <div id="dead-letter-detail"></div>
      <h3>Audit log</h3>
      <div id="audit-log" hx-get="/api/audit" hx-trigger="load, dead-letters-changed from:body"></div>
    </section>

    <section id="jobs" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">Jobs</h2>
      <p class="error" role="alert" data-errors></p>
      <div data-live="jobs">${regions.jobs}</div>
    </section>
  </main>
</body>
</html>`;
}
