import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** What the throttler guard reads back from a storage (ThrottlerStorageRecord, all times in seconds). */
interface BucketOutcome {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

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
 * In memory, per process: with N api tasks a user may get N times the rate. That is the
 * price of no shared store on the request path; API Gateway usage plans or WAF rate rules
 * cap the total in front of it.
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
    const secondsUntil = (tokens: number) => Math.max(0, Math.ceil((tokens - bucket.tokens) / perMs / 1000));
    return {
      // The guard compares totalHits with limit for its headers: the tokens spent.
      totalHits: Math.ceil(limit - bucket.tokens),
      timeToExpire: secondsUntil(limit),
      isBlocked: blocked,
      // At least 1 s: Retry-After: 0 would invite an immediate retry into the same empty bucket.
      timeToBlockExpire: blocked ? Math.max(1, secondsUntil(1)) : 0,
    };
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
