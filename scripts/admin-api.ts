import { loadConfig } from '@shared/core/config';
import { SHOP_MANIFEST } from '@shop/contracts/registry';
import { z } from 'zod';

/**
 * Calls the operations service's API (OPERATIONS_URL, default
 * http://localhost:3009, the manifest's port, with ADMIN_TOKEN): a GET, or a POST of `body`. A refusal becomes an error
 * with the problem's title and detail. The operators' CLIs are its clients.
 */
export async function adminApi<T>(path: string, body?: Record<string, unknown>): Promise<T> {
  const config = loadConfig({
    OPERATIONS_URL: z.url().default(`http://localhost:${SHOP_MANIFEST.operations.port}`),
    ADMIN_TOKEN: z.string({ error: "set it to the operations service's ADMIN_TOKEN" }).min(1),
  });
  const response = await fetch(new URL(path, config.OPERATIONS_URL), {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${config.ADMIN_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  }).catch((error: unknown) => {
    throw new Error(`the operations service is not reachable at ${config.OPERATIONS_URL}: ${String(error)}`);
  });
  const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new Error(
      `${response.status} ${String(payload.title ?? '')}: ${String(payload.detail ?? '')}`.trim(),
    );
  }
  return payload as T;
}
