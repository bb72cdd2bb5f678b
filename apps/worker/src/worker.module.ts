import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AwsClientsModule, awsClientsOptionsFrom } from '@lib/aws';
import { LoggingModule } from '@lib/logging';
import { MetricsModule } from '@lib/metrics';
import { WorkerConfigModule, type WorkerEnvironmentOverrides } from './config/worker-config.module';
import type { WorkerEnvironment } from './config/worker-environment.schema';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeletionsModule } from './deletions/deletions.module';
import { FilesModule } from './files/files.module';
import { HealthModule } from './health/health.module';
import { LambdaWorkerMetricsModule, WorkerMetricsModule } from './metrics/worker-metrics.module';
import { KinesisTransportModule } from './transport/kinesis-transport.module';

export interface WorkerModuleOptions {
  /**
   * Variables that take precedence over `process.env`, for tests that start several
   * workers in one process (each with its own `WORKER_ID`, `WORKER_HEALTH_PORT=0`, ...).
   */
  environment?: WorkerEnvironmentOverrides;
}

/**
 * The worker: `file.uploaded` handlers, the Kinesis transport that feeds them, and health
 * endpoints. A dynamic module so that the environment is read when the app is created,
 * not when this file is imported.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [...WorkerModule.core(options), KinesisTransportModule, WorkerMetricsModule, FilesModule, DeletionsModule, HealthModule],
    };
  }

  /**
   * The worker on AWS Lambda: the same handlers and dead letters, without the polling
   * transport and its leases (the event source mapping reads the stream) nor the health
   * endpoints (there is no HTTP server). See `lambda.ts`.
   */
  static forLambda(options: WorkerModuleOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [...WorkerModule.core(options), DeadLettersModule, LambdaWorkerMetricsModule, FilesModule, DeletionsModule],
    };
  }

  private static core(options: WorkerModuleOptions): DynamicModule[] {
    // What the logger and the metrics read (WorkerConfigModule validates the rest the same way).
    const environment = { ...process.env, ...options.environment };
    return [
      LoggingModule.forRoot({ service: 'worker', environment, httpRequests: false }),
      MetricsModule.forRoot({ service: 'worker', environment }),
      WorkerConfigModule.forRoot(options.environment),
      AwsClientsModule.forRootAsync({
        inject: [ConfigService],
        useFactory: (config: ConfigService<WorkerEnvironment, true>) =>
          awsClientsOptionsFrom({
            AWS_REGION: config.get('AWS_REGION', { infer: true }),
            AWS_ENDPOINT_URL_KINESIS: config.get('AWS_ENDPOINT_URL_KINESIS', { infer: true }),
            AWS_ENDPOINT_URL_S3: config.get('AWS_ENDPOINT_URL_S3', { infer: true }),
            AWS_ENDPOINT_URL_DYNAMODB: config.get('AWS_ENDPOINT_URL_DYNAMODB', { infer: true }),
          }),
      }),
    ];
  }
}
