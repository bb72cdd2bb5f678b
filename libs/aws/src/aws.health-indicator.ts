import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { classifyAwsError, type AwsErrorKind } from './aws-errors';

/** A readiness probe must answer before the load balancer's or orchestrator's own timeout. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * How long a probe's answer is reused. Load balancers probe every few seconds from several
 * nodes, and anyone can call a public readiness route: whatever the number of callers, each
 * dependency costs at most one AWS call per interval.
 */
export const READINESS_CACHE_MS = 5_000;

/** A probe's answer: up, or down with a reason code (never the error's text, which goes to the log). */
type ProbeOutcome = { up: true } | { up: false; reason: AwsErrorKind | 'timeout' };

/**
 * Readiness probes for the AWS dependencies (terminus). Each is the cheapest read-only call
 * the app's own permissions already allow, so readiness needs no extra IAM grants. Answers are
 * shared: callers within {@link READINESS_CACHE_MS} of an answer get it, and callers while a
 * probe is in flight join it. A dependency that is down shows a reason code (`unavailable`,
 * `operator`, ...); the AWS error itself is logged once per probe, not answered.
 * Needs `AwsClientsModule` and `TerminusModule`.
 */
@Injectable()
export class AwsHealthIndicator {
  private readonly logger = new Logger('Readiness');
  private readonly answers = new Map<string, { outcome: Promise<ProbeOutcome>; settledAt?: number }>();

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly kinesis: KinesisClient,
    private readonly s3: S3Client,
    private readonly dynamodb: DynamoDBDocumentClient,
  ) {}

  stream<const K extends string>(key: K, streamName: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, `kinesis:${streamName}`, (abortSignal) =>
      this.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }), { abortSignal }),
    );
  }

  bucket<const K extends string>(key: K, bucket: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, `s3:${bucket}`, (abortSignal) => this.s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }));
  }

  /** Reads an item that never exists: proves the table is there and readable. */
  table<const K extends string>(key: K, tableName: string, hashKey: string): Promise<HealthIndicatorResult<K>> {
    return this.probe(key, `dynamodb:${tableName}`, (abortSignal) =>
      this.dynamodb.send(new GetCommand({ TableName: tableName, Key: { [hashKey]: '__health-probe__' } }), {
        abortSignal,
      }),
    );
  }

  private async probe<K extends string>(
    key: K,
    resource: string,
    call: (abortSignal: AbortSignal) => Promise<unknown>,
  ): Promise<HealthIndicatorResult<K>> {
    const outcome = await this.sharedAnswer(resource, call);
    const indicator = this.health.check(key);
    return outcome.up ? indicator.up() : indicator.down({ reason: outcome.reason });
  }

  /** The answer in flight or younger than the cache interval, else a new probe. */
  private sharedAnswer(resource: string, call: (abortSignal: AbortSignal) => Promise<unknown>): Promise<ProbeOutcome> {
    const known = this.answers.get(resource);
    if (known && (known.settledAt === undefined || Date.now() - known.settledAt < READINESS_CACHE_MS)) return known.outcome;
    const entry: { outcome: Promise<ProbeOutcome>; settledAt?: number } = { outcome: this.ask(resource, call) };
    void entry.outcome.then(() => (entry.settledAt = Date.now()));
    this.answers.set(resource, entry);
    return entry.outcome;
  }

  private async ask(resource: string, call: (abortSignal: AbortSignal) => Promise<unknown>): Promise<ProbeOutcome> {
    try {
      await call(AbortSignal.timeout(PROBE_TIMEOUT_MS));
      return { up: true };
    } catch (error) {
      const { name, message } = error as Error;
      const kind = classifyAwsError(error);
      // A probe names a stream, bucket or table, never an object: "not found" is the resource missing, an operator's job.
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : kind === 'object' ? 'operator' : kind;
      this.logger.warn({ msg: 'readiness probe failed', resource, reason, error: `${name}: ${message}` });
      return { up: false, reason };
    }
  }
}
