import { Module } from '@nestjs/common';
import { AwsClientsModule } from '@lib/aws';
import { AuthModule } from './auth';
import { apiConfig, ApiConfigModule, type ApiConfig } from './config';
import { HealthModule } from './health/health.module';
import { UploadsModule } from './uploads/uploads.module';

/** The api: authenticated uploads published to Kinesis, their status, and health. */
@Module({
  imports: [
    ApiConfigModule,
    AwsClientsModule.forRootAsync({ inject: [apiConfig.KEY], useFactory: (config: ApiConfig) => config.aws }),
    AuthModule,
    UploadsModule,
    HealthModule,
  ],
})
export class AppModule {}
