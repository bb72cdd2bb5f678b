import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AwsHealthIndicator } from '@lib/aws';
import { KinesisTransportModule } from '../transport/kinesis-transport.module';
import { HealthController } from './health.controller';
import { TransportHealthIndicator } from './transport.health-indicator';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), KinesisTransportModule],
  controllers: [HealthController],
  providers: [AwsHealthIndicator, TransportHealthIndicator],
})
export class HealthModule {}
