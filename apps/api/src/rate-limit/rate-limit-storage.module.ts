import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Metrics } from '@lib/metrics';
import { apiConfig, type ApiConfig } from '../config';
import { AuthFailureThrottlerGuard } from './auth-failure.throttler-guard';
import { createTokenBucketClient } from './rate-limit-redis.client';
import { RATE_LIMIT_STORAGE } from './rate-limit-storage.token';
import { RedisTokenBucketThrottlerStorage } from './redis-token-bucket.throttler-storage';
import { TokenBucketThrottlerStorage } from './token-bucket.throttler-storage';

/**
 * Where the api's token buckets live (RATE_LIMIT_STORAGE): in Valkey/Redis when
 * RATE_LIMIT_REDIS_URL is set, shared by every process, with the in-process buckets as the
 * fallback; otherwise in process only. Also the invalid-token limiter
 * ({@link AuthFailureThrottlerGuard}): import this module BEFORE AuthModule, so that guard
 * runs before authentication.
 */
@Global()
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [apiConfig.KEY, Metrics],
      useFactory: ({ rateLimit: { redis } }: ApiConfig, metrics: Metrics): ThrottlerStorage => {
        const logger = new Logger('RateLimit');
        const local = new TokenBucketThrottlerStorage();
        if (redis === undefined) {
          logger.log('buckets per process (RATE_LIMIT_REDIS_URL is not set): N api processes allow N times the rate');
          return local;
        }
        const { hostname, port } = new URL(redis.url);
        logger.log(`buckets shared in ${redis.cluster ? 'the cluster at ' : ''}${hostname}:${port || 6379}, in-process buckets while it cannot be reached`);
        return new RedisTokenBucketThrottlerStorage(createTokenBucketClient(redis), local, metrics);
      },
    },
    { provide: APP_GUARD, useClass: AuthFailureThrottlerGuard },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitStorageModule {}
