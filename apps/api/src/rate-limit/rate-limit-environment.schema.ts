import { z } from 'zod';
import { env } from '@lib/config';

/** Per-user request rate, sustained (requests per second) and burst (bucket size). */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 100;
export const DEFAULT_RATE_LIMIT_BURST = 200;

/**
 * Refused tokens per client address: a client whose token just expired needs one or two
 * refusals before it refreshes; a flood of made-up tokens needs thousands.
 */
export const DEFAULT_AUTH_FAILURES_PER_SECOND = 1;
export const DEFAULT_AUTH_FAILURES_BURST = 20;

/**
 * How long one call to the shared store may take before the request falls back to the
 * in-process bucket. The cache answers in well under a millisecond in the same VPC; a call
 * that takes 50 ms is a cache in trouble, and every request would wait that long.
 */
export const DEFAULT_REDIS_TIMEOUT_MS = 50;

/** The api's rate-limit variables, spread into its environment schema. */
export const rateLimitEnvironmentShape = {
  // 0 turns rate limiting off (a benchmark, or a gateway in front that already limits).
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(DEFAULT_RATE_LIMIT_PER_SECOND),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMIT_BURST),
  // Requests refused with 401, per client address; 0 counts none.
  RATE_LIMIT_AUTH_FAILURES_PER_SECOND: z.coerce.number().min(0).default(DEFAULT_AUTH_FAILURES_PER_SECOND),
  RATE_LIMIT_AUTH_FAILURES_BURST: z.coerce.number().int().min(1).default(DEFAULT_AUTH_FAILURES_BURST),
  // The shared store (Valkey or Redis, redis:// or rediss://); unset: buckets per process.
  RATE_LIMIT_REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional(),
  // ElastiCache Serverless only speaks the cluster protocol.
  RATE_LIMIT_REDIS_CLUSTER: env.bool(false),
  RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(5_000).default(DEFAULT_REDIS_TIMEOUT_MS),
};

type RateLimitEnvironment = z.infer<z.ZodObject<typeof rateLimitEnvironmentShape>>;

/** A token bucket's policy. */
export interface BucketPolicy {
  /** Sustained rate per second; 0 = no limit. */
  perSecond: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

/** Where the buckets live: a Valkey/Redis server shared by every api process. */
export interface SharedBucketStore {
  url: string;
  cluster: boolean;
  timeoutMs: number;
}

export interface RateLimitConfig extends BucketPolicy {
  /** Refused (401) requests per client address. */
  authFailures: BucketPolicy;
  /** Undefined: each process keeps its own buckets. */
  redis?: SharedBucketStore;
}

export function rateLimitConfigFrom(env: RateLimitEnvironment): RateLimitConfig {
  return {
    ...policy(env.RATE_LIMIT_PER_SECOND, env.RATE_LIMIT_BURST),
    authFailures: policy(env.RATE_LIMIT_AUTH_FAILURES_PER_SECOND, env.RATE_LIMIT_AUTH_FAILURES_BURST),
    ...(env.RATE_LIMIT_REDIS_URL === undefined
      ? {}
      : { redis: { url: env.RATE_LIMIT_REDIS_URL, cluster: env.RATE_LIMIT_REDIS_CLUSTER, timeoutMs: env.RATE_LIMIT_REDIS_TIMEOUT_MS } }),
  };
}

/** A bucket holds at least one second's worth, or the sustained rate could never be reached. */
function policy(perSecond: number, burst: number): BucketPolicy {
  return { perSecond, burst: Math.max(burst, Math.ceil(perSecond)) };
}

/**
 * The policy as `@nestjs/throttler` limits are written: `limit` requests refill in `ttl` ms
 * (a bucket of `burst`, refilled at `perSecond`).
 */
export function throttlerLimitOf({ perSecond, burst }: BucketPolicy): { limit: number; ttl: number } {
  return { limit: burst, ttl: perSecond > 0 ? (burst / perSecond) * 1000 : 1000 };
}
