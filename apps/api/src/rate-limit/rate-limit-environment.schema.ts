import { z } from 'zod';

/** Per-user request rate, sustained (requests per second) and burst (bucket size). */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 100;
export const DEFAULT_RATE_LIMIT_BURST = 200;

/** The api's rate-limit variables, spread into its environment schema. */
export const rateLimitEnvironmentShape = {
  // 0 turns rate limiting off (a benchmark, or a gateway in front that already limits).
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(DEFAULT_RATE_LIMIT_PER_SECOND),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMIT_BURST),
};

export interface RateLimitConfig {
  /** Sustained requests per second per user; 0 = no limit. */
  perSecond: number;
  /** Requests a user may send at once after a quiet spell. */
  burst: number;
}

export function rateLimitConfigFrom(env: { RATE_LIMIT_PER_SECOND: number; RATE_LIMIT_BURST: number }): RateLimitConfig {
  return { perSecond: env.RATE_LIMIT_PER_SECOND, burst: Math.max(env.RATE_LIMIT_BURST, Math.ceil(env.RATE_LIMIT_PER_SECOND)) };
}
