import { z } from 'zod';

export const httpVariables = (defaultPort: number) => ({
  PORT: z.coerce.number().int().min(0).max(65_535).default(defaultPort),
  /** The scraper's bearer token for /metrics; unset, /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
});

/** For a service that sits behind proxies (an Ingress, a TLS terminator) and must know its client. */
export const proxyVariables = {
  /**
   * How many proxies in front to believe about the client (X-Forwarded-For,
   * -Proto, -Host: Express's `trust proxy` hop count). 0: none, right when
   * clients connect directly (compose, npm start); behind an Ingress or a TLS
   * terminator, 1. https://expressjs.com/en/guide/behind-proxies.html
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
};
