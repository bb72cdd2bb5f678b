import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AwsHealthIndicator } from '@lib/aws';
import { HealthController } from './health.controller';

/** `GET /health` (liveness) and `GET /health/ready` (dependencies). Needs `AwsClientsModule`. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [AwsHealthIndicator],
})
export class HealthModule {}
