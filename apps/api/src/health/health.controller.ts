import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth';
import { SigningKeysHealthIndicator } from '../auth/signing-keys.health-indicator';
import { AwsHealthIndicator } from '@lib/aws';
import { apiConfig, type ApiConfig } from '../config';

@ApiTags('health')
@Public()
// Load balancer and orchestrator probes are not users to limit.
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aws: AwsHealthIndicator,
    private readonly signingKeys: SigningKeysHealthIndicator,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  /** Liveness: the process answers. Dependencies do not matter here (see /health/ready). */
  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 503 while the stream, the bucket or the status table is unreachable, or no signing key is loaded. */
  @Get('ready')
  @HealthCheck()
  @ApiResponse({ status: 503, description: 'A dependency is down' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.aws.stream('kinesis', this.config.streamName),
      () => this.aws.bucket('s3', this.config.bucket),
      () => this.aws.table('dynamodb', this.config.uploadsTable, 'id'),
      () => this.signingKeys.check('cognito'),
    ]);
  }
}
