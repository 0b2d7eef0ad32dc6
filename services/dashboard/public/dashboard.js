// The page's own script: applies the live stream to the regions, draws the charts, and shows
// an action's refusal in the region that asked. htmx does the rest (forms, buttons, panels).

(() => {
  const status = document.getElementById('live-status');
  const charts = new Map();

  /** Replaces a region's content by morphing, so focus, scroll and open panels survive updates. */
  function apply(name, markup) {
    const target = document.querySelector(`[data-live="${name}"]`);
    if (!target) return;
    Idiomorph.morph(target, markup, { morphStyle: 'innerHTML' });
    htmx.process(target);
  }

  function drawRates(series) {
    const container = document.getElementById('charts');
    for (const { service, points } of series) {
      const data = [points.map((p) => p[0]), points.map((p) => p[1]), points.map((p) => p[2])];
      let chart = charts.get(service);
      if (!chart) {
        const figure = document.createElement('figure');
        const caption = document.createElement('figcaption');
        caption.textContent = service;
        figure.append(caption);
        figure.setAttribute('role', 'img');
        figure.setAttribute('aria-label', `${service}: messages in and out per second`);
        container.append(figure);
        const width = Math.min(400, Math.max(280, container.clientWidth / 2 - 16));
        chart = new uPlot(
          {
            width,
            height: 140,
            legend: { show: true },
            scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
            series: [
              {},
              { label: 'in/s', stroke: '#2563eb', width: 2 },
              { label: 'out/s', stroke: '#16a34a', width: 2, dash: [6, 3] },
            ],
            axes: [{}, { size: 40 }],
          },
          data,
          figure,
        );
        charts.set(service, chart);
      } else {
        chart.setData(data);
      }
    }
  }

  function connect() {
    const source = new EventSource('/api/stream');
    for (const name of ['queues', 'orders', 'dead-letter-counts', 'jobs']) {
      source.addEventListener(name, (event) => apply(name, event.data));
    }
    source.addEventListener('rates', (event) => drawRates(JSON.parse(event.data)));
    source.addEventListener('updated', (event) => {
      status.textContent = `live, updated ${event.data.slice(11, 19)} UTC`;
    });
    source.addEventListener('signed-out', () => window.location.reload());
    source.onerror = () => {
      status.textContent = 'reconnecting…';
      // A stream refused (signed out, dashboard restarted) is not retried by the browser.
      if (source.readyState === EventSource.CLOSED) {
        fetch('/api/session').then(
          (response) => {
            if (response.status === 401) window.location.reload();
            else setTimeout(connect, 2000);
          },
          () => setTimeout(connect, 2000),
        );
      }
    };
  }

  /** A refused action or search: the problem's detail in the region's alert line. */
  document.body.addEventListener('htmx:responseError', (event) => {
    const { xhr, elt } = event.detail;
    if (xhr.status === 401) return window.location.reload();
    let message = `${xhr.status} ${xhr.statusText}`;
    try {
      const problem = JSON.parse(xhr.responseText);
      message = problem.detail || problem.title || message;
    } catch {}
    const alert = elt.closest('section')?.querySelector('[data-errors]');
    if (alert) alert.textContent = message;
  });
  document.body.addEventListener('htmx:beforeRequest', (event) => {
    const alert = event.detail.elt.closest('section')?.querySelector('[data-errors]');
    if (alert) alert.textContent = '';
  });

  connect();
})();
