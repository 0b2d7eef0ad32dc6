import { join } from 'node:path';
import { ChildProcessHandle } from './child-process';
import { freePort } from './service-process';
import { waitFor } from './support';

/** A first delivery as the receiver's GET /deliveries lists it. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  orderId: string | null;
  receivedAt: string;
  duplicates: number;
}

/**
 * The webhooks service's receiver (services/webhooks/src/receiver/main.ts),
 * a merchant's endpoint, run from its entry file as its compose block runs
 * it: it verifies each signature, keeps the first delivery of each
 * webhook-id, and answers 503 while told to be down.
 */
export class WebhookReceiver {
  /** The secret the stack gives the webhooks service and the receiver alike. */
  static readonly SECRET = `whsec_${Buffer.from('the shop tests sign webhooks with').toString('base64')}`;

  private constructor(
    readonly port: number,
    private readonly handle: ChildProcessHandle,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const port = await freePort();
    const entry = join(__dirname, '..', 'services', 'webhooks', 'src', 'receiver', 'main.ts');
    const handle = ChildProcessHandle.start(entry, {
      PORT: String(port),
      WEBHOOK_SECRET: WebhookReceiver.SECRET,
    });
    const receiver = new WebhookReceiver(port, handle);
    await waitFor(
      `the webhook receiver on port ${port}`,
      async () => {
        if (handle.hasExited)
          throw new Error(`the webhook receiver exited during start-up:\n${handle.stderr}`);
        return (await fetch(`${receiver.url}/healthz`).catch(() => undefined))?.status === 200;
      },
      60_000,
    );
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where the webhooks service POSTs (its WEBHOOK_URL). */
  get endpoint(): string {
    return `${this.url}/webhooks`;
  }

  /** The first delivery of each webhook-id, oldest first. */
  async deliveries(): Promise<ReceivedWebhook[]> {
    const response = await fetch(`${this.url}/deliveries`);
    return ((await response.json()) as { deliveries: ReceivedWebhook[] }).deliveries;
  }

  /** From now on every delivery is answered `status`: the merchant is down. */
  async outage(status = 503): Promise<void> {
    const response = await fetch(`${this.url}/outage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    });
    if (response.status !== 200) throw new Error(`POST /outage: ${response.status}`);
  }

  /** The merchant is back: deliveries are taken again. */
  async recover(): Promise<void> {
    const response = await fetch(`${this.url}/outage`, { method: 'DELETE' });
    if (response.status !== 200) throw new Error(`DELETE /outage: ${response.status}`);
  }

  async stop(): Promise<void> {
    if (!this.handle.hasExited) await this.handle.kill('SIGTERM');
  }
}
