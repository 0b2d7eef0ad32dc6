import type { Logger } from '@shared/core/logging';
import { sendProblem } from '@shared/http';
import escapeHtml from 'escape-html';
import express, { type Express } from 'express';
import { z } from 'zod';
import { verifyWebhook } from '../domain/webhook-signature';
import { DeliveryLog } from './delivery-log';

export interface ReceiverOptions {
  secret: string;
  logger: Logger;
  /** Answer every delivery with this status from the start: the merchant's outage. */
  failWith?: number | undefined;
}

const outageSchema = z.object({ status: z.number().int().min(400).max(599).default(503) });

/**
 * A merchant's webhook endpoint, as small as one can be written right: it
 * verifies each delivery's signature over the raw body (401 when it does not
 * match or is older than 5 minutes), keeps the first of each webhook-id and
 * drops the rest, and shows what arrived. While an outage is set (POST
 * /outage, or RECEIVER_FAIL_WITH) it answers every delivery with that status
 * and keeps nothing, as a merchant that is down does.
 */
export function receiverApp(options: ReceiverOptions): Express {
  const deliveries = new DeliveryLog();
  let outage = options.failWith;
  const app = express();
  app.disable('x-powered-by');

  // The signature covers the bytes as sent, so the body is read raw and parsed only once verified.
  app.post('/webhooks', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    if (outage !== undefined) {
      sendProblem(res, { status: outage, title: 'Outage', detail: 'The receiver is set to fail' });
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const headers = {
      'webhook-id': req.get('webhook-id'),
      'webhook-timestamp': req.get('webhook-timestamp'),
      'webhook-signature': req.get('webhook-signature'),
    };
    const verification = verifyWebhook(options.secret, body, headers);
    if (!verification.valid) {
      options.logger.warn({ webhookId: headers['webhook-id'], reason: verification.reason }, 'refused');
      sendProblem(res, { status: 401, title: 'Invalid signature', detail: verification.reason });
      return;
    }
    const { id } = verification;
    const first = deliveries.receive(id, parseOrNothing(body));
    options.logger.info({ webhookId: id, first }, first ? 'delivery received' : 'duplicate dropped');
    res.json({ id, duplicate: !first });
  });

  app.get('/deliveries', (_req, res) => {
    res.json({ outage: outage ?? null, deliveries: deliveries.list() });
  });

  app.post('/outage', express.json(), (req, res) => {
    const parsed = outageSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      sendProblem(res, { status: 400, title: 'Invalid outage', detail: 'status: 400 to 599' });
      return;
    }
    outage = parsed.data.status;
    res.json({ outage });
  });
  app.delete('/outage', (_req, res) => {
    outage = undefined;
    res.json({ outage: null });
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/', (_req, res) => {
    const rows = deliveries
      .list()
      .map(
        (delivery) =>
          `<tr><td>${escapeHtml(delivery.receivedAt)}</td><td><code>${escapeHtml(delivery.id)}</code></td><td>${escapeHtml(delivery.type)}</td><td><code>${escapeHtml(delivery.orderId ?? '')}</code></td><td>${delivery.duplicates}</td></tr>`,
      )
      .reverse()
      .join('\n');
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Webhook receiver</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{padding:.25rem .75rem;text-align:left}</style></head>
<body><h1>Webhook receiver</h1>
<p>${outage === undefined ? 'Answering deliveries.' : `Outage: answering ${outage} to every delivery.`} ${deliveries.list().length} first deliveries, newest first; duplicates dropped by webhook-id.</p>
<table><thead><tr><th>received</th><th>webhook-id</th><th>type</th><th>order</th><th>duplicates</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`);
  });

  return app;
}

/** A signed body is the shop's JSON; anything else is kept as a delivery of unknown type. */
function parseOrNothing(body: string): object {
  try {
    return JSON.parse(body) ?? {};
  } catch {
    return {};
  }
}
