import type { ThrottlerStorage } from '@nestjs/throttler';

/** What the throttler guard reads back from a storage (ThrottlerStorageRecord, all times in seconds). */
export type BucketOutcome = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The guard's view of a bucket after one request: whether it was refused, the tokens spent
 * (for the rate-limit headers) and the waits. Shared by the in-process and the Redis buckets,
 * so both answer a client the same way. `limit` tokens refill in `ttl` milliseconds.
 */
export function bucketOutcome(tokensLeft: number, blocked: boolean, limit: number, ttl: number): BucketOutcome {
  const perMs = limit / ttl;
  const secondsUntil = (tokens: number) => Math.max(0, Math.ceil((tokens - tokensLeft) / perMs / 1000));
  return {
    // The guard compares totalHits with limit for its headers: the tokens spent.
    totalHits: Math.ceil(limit - tokensLeft),
    timeToExpire: secondsUntil(limit),
    isBlocked: blocked,
    // At least 1 s: Retry-After: 0 would invite an immediate retry into the same empty bucket.
    timeToBlockExpire: blocked ? Math.max(1, secondsUntil(1)) : 0,
  };
}
