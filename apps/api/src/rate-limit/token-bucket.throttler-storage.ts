import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { bucketOutcome, type BucketOutcome } from './token-bucket';

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** Milliseconds an empty bucket takes to fill up. */
  fillMs: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * A token bucket per key behind `@nestjs/throttler`, in place of its fixed window: `limit`
 * is the bucket's size (the burst) and it refills at `limit` per `ttl` milliseconds, so
 * `{ limit: 200, ttl: 2000 }` means 100 requests/s sustained with bursts up to 200. A fixed
 * window would let a client send twice its limit across a window boundary, and would refuse
 * a well-behaved client who happened to spend its burst just before the boundary.
 *
 * In memory, per process: with N api tasks a user may get N times the rate. With
 * RATE_LIMIT_REDIS_URL the buckets live in Valkey/Redis instead
 * ({@link RedisTokenBucketThrottlerStorage}), and this one is the fallback while that store
 * cannot be reached.
 */
@Injectable()
export class TokenBucketThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Takes one token from `key`'s bucket; blocked (with the wait for the next token) when it is empty. */
  async increment(key: string, ttl: number, limit: number): Promise<BucketOutcome> {
    const now = this.now();
    const perMs = limit / ttl;
    const bucket = this.buckets.get(key) ?? { tokens: limit, refilledAt: now, fillMs: ttl };
    bucket.fillMs = ttl;
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.refilledAt) * perMs);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    const blocked = bucket.tokens < 1;
    if (!blocked) bucket.tokens -= 1;
    return bucketOutcome(bucket.tokens, blocked, limit, ttl);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Number of buckets kept (for tests and for spotting a key explosion). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that are full again by now: a new one would be identical. */
  sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.refilledAt >= bucket.fillMs) this.buckets.delete(key);
    }
  }
}
