import type { Rate } from '@shared/operations';
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { orderRateLimited } from '../domain/order-errors';

/**
 * ORDER_RATE_LIMIT on POST /orders: at most `rate` requests per client
 * address, counted in this process's memory (rate-limiter-flexible's
 * RateLimiterMemory, one fixed window of the whole period: a client may
 * spend its allowance in a burst, which is what a shopper's client retrying
 * a few times does). It runs before anything else of the route, so a
 * refused request charges nothing and writes nothing. Each replica counts on
 * its own: a client spread over N replicas gets up to N times the rate (see
 * docs/decisions.md for why, and TRUST_PROXY for the address). Without a rate it
 * lets everything through.
 */
export function orderRateLimit(rate: Rate | undefined): RequestHandler {
  if (!rate) return (_req, _res, next) => next();
  const limiter = new RateLimiterMemory({ points: rate.count, duration: rate.perMs / 1000 });
  return async (req, _res, next) => {
    try {
      await limiter.consume(req.ip ?? 'unknown');
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw orderRateLimited(rate.text, Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
    }
    next();
  };
}
