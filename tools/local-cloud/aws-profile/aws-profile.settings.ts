import type { LatencyQuantiles } from './latency-distribution';

/**
 * The numbers the AWS profile shapes with. Each one, and where it comes from (an AWS page, or
 * our assumption and why), is in docs/aws-profile.md: change them together.
 */

/** How one service's calls are delayed. */
export interface ServiceShape {
  /** Latency per operation (the name in X-Amz-Target, or the S3 operation the request is). */
  operations: Readonly<Record<string, LatencyQuantiles>>;
  /** For operations not in the table. */
  fallback: LatencyQuantiles;
  /** The bandwidth term: request and response bodies cross the network at this rate, per call. */
  bytesPerSecond: number;
}

/** Kinesis' per-shard limits (provisioned mode) and the burst allowance of their token buckets. */
export interface KinesisShardLimits {
  writeRecordsPerSecond: number;
  writeBytesPerSecond: number;
  readCallsPerSecond: number;
  readBytesPerSecond: number;
  /** Each bucket holds this many seconds of its rate; it starts full. */
  burstSeconds: number;
}

export interface AwsProfileSettings {
  s3: ServiceShape;
  dynamodb: ServiceShape;
  kinesis: ServiceShape & { shardLimits: KinesisShardLimits };
}

const MiB = 1024 * 1024;

/** Per call, one connection: an assumption (docs/aws-profile.md). */
const NETWORK_BYTES_PER_SECOND = 80_000_000;

const ms = (p50Ms: number, p99Ms: number): LatencyQuantiles => ({ p50Ms, p99Ms });

export const AWS_PROFILE_DEFAULTS: Readonly<AwsProfileSettings> = Object.freeze({
  s3: {
    operations: {
      PutObject: ms(25, 150),
      GetObject: ms(15, 100),
      HeadObject: ms(10, 60),
      DeleteObject: ms(15, 80),
      DeleteObjects: ms(30, 150),
      CopyObject: ms(40, 250),
      ListObjectsV2: ms(30, 150),
      HeadBucket: ms(10, 60),
      CreateMultipartUpload: ms(25, 150),
      UploadPart: ms(25, 150),
      CompleteMultipartUpload: ms(50, 300),
      AbortMultipartUpload: ms(20, 100),
    },
    fallback: ms(25, 150),
    bytesPerSecond: NETWORK_BYTES_PER_SECOND,
  },
  dynamodb: {
    operations: {
      GetItem: ms(4, 15),
      PutItem: ms(6, 20),
      UpdateItem: ms(6, 20),
      DeleteItem: ms(6, 20),
      BatchGetItem: ms(8, 30),
      BatchWriteItem: ms(10, 40),
      Query: ms(6, 25),
      Scan: ms(15, 60),
    },
    fallback: ms(6, 25),
    bytesPerSecond: NETWORK_BYTES_PER_SECOND,
  },
  kinesis: {
    operations: {
      PutRecord: ms(15, 60),
      PutRecords: ms(25, 120),
      GetRecords: ms(20, 100),
      GetShardIterator: ms(10, 40),
      ListShards: ms(15, 60),
      DescribeStreamSummary: ms(15, 60),
      DescribeStream: ms(15, 60),
    },
    fallback: ms(20, 80),
    bytesPerSecond: NETWORK_BYTES_PER_SECOND,
    shardLimits: {
      writeRecordsPerSecond: 1_000,
      writeBytesPerSecond: 1 * MiB,
      readCallsPerSecond: 5,
      readBytesPerSecond: 2 * MiB,
      burstSeconds: 1,
    },
  },
});

/** Partial settings over the defaults, service by service (operations merge by name). */
export type AwsProfileOverrides = {
  [S in keyof AwsProfileSettings]?: Partial<Omit<AwsProfileSettings[S], 'operations'>> & {
    operations?: Record<string, LatencyQuantiles>;
  };
};

export function resolveAwsProfileSettings(overrides: AwsProfileOverrides = {}): AwsProfileSettings {
  const merge = <S extends keyof AwsProfileSettings>(service: S): AwsProfileSettings[S] => {
    const base = AWS_PROFILE_DEFAULTS[service];
    const change: { operations?: Record<string, LatencyQuantiles> } = overrides[service] ?? {};
    return { ...base, ...change, operations: { ...base.operations, ...change.operations } } as AwsProfileSettings[S];
  };
  const kinesis = merge('kinesis');
  kinesis.shardLimits = { ...AWS_PROFILE_DEFAULTS.kinesis.shardLimits, ...overrides.kinesis?.shardLimits };
  return { s3: merge('s3'), dynamodb: merge('dynamodb'), kinesis };
}
