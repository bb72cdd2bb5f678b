import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth';
import { AwsDependenciesHealth } from './aws-dependencies.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aws: AwsDependenciesHealth,
  ) {}

  /** Liveness: the process answers. Dependencies do not matter here (see /health/ready). */
  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 503 while the stream, the bucket or the status table is unreachable. */
  @Get('ready')
  @HealthCheck()
  @ApiResponse({ status: 503, description: 'A dependency is down' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.aws.kinesisStream(),
      () => this.aws.s3Bucket(),
      () => this.aws.uploadsTable(),
    ]);
  }
}
