import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** A readiness probe must answer before the orchestrator's own timeout. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether the worker's AWS dependencies answer. Each probe is the cheapest call the worker's
 * own permissions already allow, so readiness needs no extra IAM grants.
 */
@Injectable()
export class AwsDependenciesHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly s3: S3Client,
    private readonly dynamodb: DynamoDBDocumentClient,
  ) {}

  bucket<const K extends string>(key: K, bucket: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, () =>
      this.s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }),
    );
  }

  /** Reads an item that never exists: proves the table is there and readable. */
  table<const K extends string>(key: K, tableName: string, hashKey: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, () =>
      this.dynamodb.send(new GetCommand({ TableName: tableName, Key: { [hashKey]: '__health-probe__' } }), {
        abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      }),
    );
  }

  private async probe<K extends string>(key: K, call: () => Promise<unknown>): Promise<HealthIndicatorResult<K>> {
    const indicator = this.health.check(key);
    try {
      await call();
      return indicator.up();
    } catch (error) {
      const { name, message } = error as Error;
      return indicator.down({ error: `${name}: ${message}` });
    }
  }
}
