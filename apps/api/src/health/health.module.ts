import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AwsHealthIndicator } from '@lib/aws';
import { AuthModule } from '../auth/auth.module';
import { SigningKeysHealthIndicator } from '../auth/signing-keys.health-indicator';
import { HealthController } from './health.controller';

/** `GET /health` (liveness) and `GET /health/ready` (dependencies). Needs `AwsClientsModule`. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), AuthModule],
  controllers: [HealthController],
  providers: [AwsHealthIndicator, SigningKeysHealthIndicator],
})
export class HealthModule {}
