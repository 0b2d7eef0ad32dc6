import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * Whether the request carries `Authorization: Bearer <token>`. Compared in
 * constant time, so the answer's timing does not reveal how much of a guess
 * was right.
 */
export function hasBearerToken(req: Request, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
  if (!given) return false;
  const offered = Buffer.from(given);
  const expected = Buffer.from(token);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}
