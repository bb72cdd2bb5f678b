import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AwsDependenciesHealthIndicator } from './aws-dependencies.health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [AwsDependenciesHealthIndicator],
})
export class HealthModule {}
