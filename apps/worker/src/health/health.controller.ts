import { Controller, Get } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { AwsHealthIndicator } from '@lib/aws';
import { TransportHealthIndicator } from './transport.health-indicator';

/**
 * Liveness answers as long as the process serves HTTP and no shard consumer crashed: an
 * outage of a dependency is waited out, not a reason to restart the task. Readiness reports
 * the transport (status, leases held, lag per shard) and the dependencies (503 when one does
 * not answer, or while the transport is reconnecting).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aws: AwsHealthIndicator,
    private readonly config: ConfigService<WorkerEnvironment, true>,
    private readonly transport: TransportHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.transport.alive('transport')]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.transport.leases('transport'),
      () => this.aws.stream('kinesis', this.config.get('KINESIS_STREAM_NAME', { infer: true })),
      () => this.aws.bucket('s3', this.config.get('S3_BUCKET', { infer: true })),
      () => this.aws.table('leases', this.config.get('LEASE_TABLE', { infer: true }), 'lease_key'),
      () => this.aws.table('uploads', this.config.get('UPLOADS_TABLE', { infer: true }), 'id'),
    ]);
  }
}
