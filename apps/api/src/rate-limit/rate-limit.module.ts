import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { apiConfig, type ApiConfig } from '../config';
import { TokenBucketThrottlerStorage } from './token-bucket.throttler-storage';
import { UserThrottlerGuard } from './user-throttler.guard';

/**
 * Per-user rate limiting (RATE_LIMIT_PER_SECOND sustained, RATE_LIMIT_BURST at once) with
 * `@nestjs/throttler`: a token bucket per user (see {@link TokenBucketThrottlerStorage}).
 * Import it after AuthModule: global guards run in registration order, and the limiter
 * needs the verified user. `@SkipThrottle()` exempts a route (health probes).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [apiConfig.KEY],
      useFactory: ({ rateLimit: { perSecond, burst } }: ApiConfig) => ({
        // Named 'default' so the guard answers with a plain Retry-After header.
        throttlers: [{ name: 'default', limit: burst, ttl: perSecond > 0 ? (burst / perSecond) * 1000 : 1000 }],
        storage: new TokenBucketThrottlerStorage(),
        skipIf: () => perSecond === 0,
        errorMessage: 'Too many requests: retry after the number of seconds in Retry-After',
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: UserThrottlerGuard }],
})
export class RateLimitModule {}
