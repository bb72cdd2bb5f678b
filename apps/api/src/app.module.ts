import { Module } from '@nestjs/common';
import { AwsClientsModule } from '@lib/aws';
import { LoggingModule } from '@lib/logging';
import { MetricsModule } from '@lib/metrics';
import { AuthModule } from './auth';
import { apiConfig, ApiConfigModule, type ApiConfig } from './config';
import { HealthModule } from './health/health.module';
import { ApiMetricsModule } from './metrics/api-metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RateLimitStorageModule } from './rate-limit/rate-limit-storage.module';
import { UploadsModule } from './uploads/uploads.module';
import { WebModule } from './web';
import { DeletionsModule } from './deletions/deletions.module';

/** The api: authenticated uploads published to Kinesis, their status, and health. */
@Module({
  imports: [
    LoggingModule.forRoot({ service: 'api' }),
    MetricsModule.forRoot({ service: 'api' }),
    ApiConfigModule,
    AwsClientsModule.forRootAsync({ inject: [apiConfig.KEY], useFactory: (config: ApiConfig) => config.aws }),
    // Before AuthModule: its guard refuses addresses flooding bad tokens before they are verified.
    RateLimitStorageModule,
    AuthModule,
    // After AuthModule: the limiter keys on the user the auth guard verified.
    RateLimitModule,
    UploadsModule,
    DeletionsModule,
    HealthModule,
    ApiMetricsModule,
    WebModule,
  ],
})
export class AppModule {}
