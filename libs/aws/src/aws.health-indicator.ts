import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** A readiness probe must answer before the load balancer's or orchestrator's own timeout. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Readiness probes for the AWS dependencies (terminus). Each is the cheapest read-only call
 * the app's own permissions already allow, so readiness needs no extra IAM grants.
 * Needs `AwsClientsModule` and `TerminusModule`.
 */
@Injectable()
export class AwsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly kinesis: KinesisClient,
    private readonly s3: S3Client,
    private readonly dynamodb: DynamoDBDocumentClient,
  ) {}

  stream<const K extends string>(key: K, streamName: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, (abortSignal) =>
      this.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }), { abortSignal }),
    );
  }

  bucket<const K extends string>(key: K, bucket: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, (abortSignal) => this.s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }));
  }

  /** Reads an item that never exists: proves the table is there and readable. */
  table<const K extends string>(key: K, tableName: string, hashKey: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, (abortSignal) =>
      this.dynamodb.send(new GetCommand({ TableName: tableName, Key: { [hashKey]: '__health-probe__' } }), {
        abortSignal,
      }),
    );
  }

  private async probe<K extends string>(
    key: K,
    call: (abortSignal: AbortSignal) => Promise<unknown>,
  ): Promise<HealthIndicatorResult<K>> {
    const indicator = this.health.check(key);
    try {
      await call(AbortSignal.timeout(PROBE_TIMEOUT_MS));
      return indicator.up();
    } catch (error) {
      const { name, message } = error as Error;
      return indicator.down({ error: `${name}: ${message}` });
    }
  }
}
