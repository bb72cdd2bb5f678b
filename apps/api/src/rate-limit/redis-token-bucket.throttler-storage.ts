import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Metrics } from '@lib/metrics';
import { bucketOutcome, type BucketOutcome } from './token-bucket';
import type { TokenBucketClient } from './rate-limit-redis.client';
import type { TokenBucketThrottlerStorage } from './token-bucket.throttler-storage';

/** After a failed call, requests use the in-process buckets this long before the store is tried again. */
export const STORE_RETRY_INTERVAL_MS = 1_000;
/** How long start-up waits for the first connection (it goes on without one). */
const READY_DEADLINE_MS = 2_000;
/** Bucket keys in the store, apart from anything else kept there. */
const KEY_PREFIX = 'rate-limit:';

/**
 * Token buckets in Valkey/Redis, shared by every api process (ECS tasks, Lambda execution
 * environments): one atomic script per request ({@link TAKE_TOKEN_SCRIPT}), so N processes
 * together allow what one would. Same semantics and answers as {@link TokenBucketThrottlerStorage}.
 *
 * The store is on the request path but never a reason to fail one: a call that errors or
 * takes longer than RATE_LIMIT_REDIS_TIMEOUT_MS is answered by the in-process bucket
 * instead (fail open to the local limit, not to no limit; that bucket counts every request
 * all along, so it answers from this process's own recent traffic), the outage is logged once when it
 * starts and once when it ends, and each request served locally counts in the
 * `RateLimitFallbacks` metric. While the store is out, calls to it are tried again every
 * {@link STORE_RETRY_INTERVAL_MS}, so a hanging store costs one timeout a second, not one per request.
 */
export class RedisTokenBucketThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private skipStoreUntil = 0;
  private outage?: string;

  constructor(
    private readonly client: TokenBucketClient,
    private readonly fallback: TokenBucketThrottlerStorage,
    private readonly metrics: Pick<Metrics, 'count'>,
    private readonly now: () => number = Date.now,
  ) {
    // Reasons surface through the failed calls; without a listener ioredis prints every one.
    client.on('error', () => undefined);
  }

  async onModuleInit(): Promise<void> {
    const ready = await waitForReady(this.client, READY_DEADLINE_MS);
    if (!ready) this.storeFailed(new Error(`no connection within ${READY_DEADLINE_MS} ms`));
  }

  async increment(key: string, ttl: number, limit: number): Promise<BucketOutcome> {
    // The in-process bucket counts every request too (a map update), so that a fallback
    // continues from what this process has let through, not from a full bucket: without it
    // each failover would hand a flooding user a fresh burst in every process.
    const local = await this.fallback.increment(key, ttl, limit);
    if (this.now() >= this.skipStoreUntil) {
      try {
        // The policy is part of the key: processes configured differently (a rolling
        // deploy, a test with its own limits) must not drain each other's buckets.
        const [taken, tokensLeft] = await this.client.takeToken(`${KEY_PREFIX}${key}:${limit}:${ttl}`, limit, ttl);
        this.storeAnswered();
        return bucketOutcome(Number(tokensLeft), taken !== 1, limit, ttl);
      } catch (error) {
        this.storeFailed(error);
      }
    }
    this.metrics.count('RateLimitFallbacks');
    return local;
  }

  /** Whether requests are counted in the shared store right now (false during an outage). */
  get shared(): boolean {
    return this.outage === undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    this.fallback.onModuleDestroy();
    // QUIT lets the connection close cleanly; without a connection there is nothing to wait for.
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private storeAnswered(): void {
    if (this.outage === undefined) return;
    this.logger.log(`the shared rate-limit store answers again: buckets are shared across processes (it was out: ${this.outage})`);
    this.outage = undefined;
  }

  private storeFailed(error: unknown): void {
    this.skipStoreUntil = this.now() + STORE_RETRY_INTERVAL_MS;
    if (this.outage !== undefined) return;
    this.outage = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `the shared rate-limit store failed (${this.outage}): each process limits with its own buckets until it answers ` +
        `(RateLimitFallbacks counts the requests)`,
    );
  }
}

async function waitForReady(client: TokenBucketClient, deadlineMs: number): Promise<boolean> {
  if (client.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), deadlineMs);
    client.once('ready', onReady);
  });
}
