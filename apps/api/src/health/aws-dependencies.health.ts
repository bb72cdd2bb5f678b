import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { apiConfig, type ApiConfig } from '../config';

/** A readiness probe must answer before the load balancer gives up on it. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Readiness of the three AWS dependencies the api cannot serve without: the stream, the
 * bucket and the status table. Each check is one cheap read-only call.
 */
@Injectable()
export class AwsDependenciesHealth {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly kinesis: KinesisClient,
    private readonly s3: S3Client,
    private readonly dynamodb: DynamoDBDocumentClient,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  kinesisStream(): Promise<HealthIndicatorResult> {
    return this.probe('kinesis', () =>
      this.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: this.config.streamName }), this.options()),
    );
  }

  s3Bucket(): Promise<HealthIndicatorResult> {
    return this.probe('s3', () => this.s3.send(new HeadBucketCommand({ Bucket: this.config.bucket }), this.options()));
  }

  uploadsTable(): Promise<HealthIndicatorResult> {
    // A GetItem of a key that never exists: proves the table is there and readable.
    return this.probe('dynamodb', () =>
      this.dynamodb.send(
        new GetCommand({ TableName: this.config.uploadsTable, Key: { id: 'health-check' } }),
        this.options(),
      ),
    );
  }

  private async probe(key: string, call: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      await call();
      return indicator.up();
    } catch (error) {
      const { name, message } = error as Error;
      return indicator.down({ message: `${name}: ${message}` });
    }
  }

  private options() {
    return { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) };
  }
}
