import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

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

/**
 * Lets a request through only with `Authorization: Bearer <token>`. With no
 * token configured every request is refused with `off` (the routes do not
 * exist), and one without the right token with `unauthorized`.
 */
export function requireBearerToken(
  token: string | undefined,
  refuse: { off(): Error; unauthorized(): Error },
): RequestHandler {
  return (req, _res, next) => {
    if (!token) throw refuse.off();
    if (!hasBearerToken(req, token)) throw refuse.unauthorized();
    next();
  };
}
