import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { apiConfig, type ApiConfig } from '../config';
import { throttlerLimitOf } from './rate-limit-environment.schema';
import { RATE_LIMIT_STORAGE } from './rate-limit-storage.token';
import { TOO_MANY_REQUESTS_MESSAGE } from './too-many-requests.message';
import { UserThrottlerGuard } from './user-throttler.guard';

/**
 * Per-user rate limiting (RATE_LIMIT_PER_SECOND sustained, RATE_LIMIT_BURST at once) with
 * `@nestjs/throttler`: a token bucket per user, in the store RateLimitStorageModule chose
 * (shared by every process with RATE_LIMIT_REDIS_URL). Import it after AuthModule: global
 * guards run in registration order, and the limiter needs the verified user.
 * `@SkipThrottle()` exempts a route (health probes).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [apiConfig.KEY, RATE_LIMIT_STORAGE],
      useFactory: ({ rateLimit }: ApiConfig, storage: ThrottlerStorage) => ({
        // Named 'default' so the guard answers with a plain Retry-After header.
        throttlers: [{ name: 'default', ...throttlerLimitOf(rateLimit) }],
        storage,
        skipIf: () => rateLimit.perSecond === 0,
        errorMessage: TOO_MANY_REQUESTS_MESSAGE,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: UserThrottlerGuard }],
})
export class RateLimitModule {}
