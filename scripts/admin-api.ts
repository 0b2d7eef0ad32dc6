import { loadConfig } from '@shop/shared/config';
import { z } from 'zod';

/**
 * Calls checkout's admin API (CHECKOUT_URL, default http://localhost:3000,
 * with ADMIN_TOKEN): a GET, or a POST of `body`. A refusal becomes an error
 * with the problem's title and detail. The operators' CLIs are its clients.
 */
export async function adminApi<T>(path: string, body?: Record<string, unknown>): Promise<T> {
  const config = loadConfig({
    CHECKOUT_URL: z.url().default('http://localhost:3000'),
    ADMIN_TOKEN: z.string({ error: "set it to checkout's ADMIN_TOKEN" }).min(1),
  });
  const response = await fetch(new URL(path, config.CHECKOUT_URL), {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${config.ADMIN_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  }).catch((error: unknown) => {
    throw new Error(`checkout is not reachable at ${config.CHECKOUT_URL}: ${String(error)}`);
  });
  const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new Error(
      `${response.status} ${String(payload.title ?? '')}: ${String(payload.detail ?? '')}`.trim(),
    );
  }
  return payload as T;
}
