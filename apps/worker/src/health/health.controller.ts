import { Controller, Get } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { AwsHealthIndicator } from '@lib/aws';

/**
 * Liveness answers as long as the process serves HTTP: an outage of a dependency is waited
 * out, not a reason to restart the task. Readiness reports the dependencies (503 when one
 * does not answer).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aws: AwsHealthIndicator,
    private readonly config: ConfigService<WorkerEnvironment, true>,
  ) {}

  @Get()
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.aws.stream('kinesis', this.config.get('KINESIS_STREAM_NAME', { infer: true })),
      () => this.aws.bucket('s3', this.config.get('S3_BUCKET', { infer: true })),
      () => this.aws.table('leases', this.config.get('LEASE_TABLE', { infer: true }), 'lease_key'),
      () => this.aws.table('uploads', this.config.get('UPLOADS_TABLE', { infer: true }), 'id'),
    ]);
  }
}
