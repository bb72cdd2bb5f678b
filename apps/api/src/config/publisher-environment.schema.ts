import { z } from 'zod';
import { env } from '@lib/config';
import type { BatchingOptions } from '@lib/kinesis';

/** Which value spreads uploads over shards; `owner` keeps one user's uploads on one shard, in order. */
export const UPLOAD_PARTITION_KEYS = ['upload-id', 'owner'] as const;
export type UploadPartitionKey = (typeof UPLOAD_PARTITION_KEYS)[number];

/**
 * The event publisher's knobs (see `BatchingRecordSender`). The defaults suit an api behind a
 * load balancer or API Gateway: a request waits at most 5 s for Kinesis (API Gateway gives up
 * at 29 s), and the queue holds at most 10,000 records / 64 MiB before new uploads get 503.
 */
export const publisherEnvironmentShape = {
  KINESIS_PUBLISH_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  KINESIS_PUBLISH_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  // Little's law: calls in flight = calls/s × call latency. At AWS's PutRecords latency (about 31 ms
  // mean) 4 calls in flight leave a slot free every ~8 ms, so a record waits ~4 ms for one, and each
  // call carries what gathered meanwhile (500 uploads/s → ~4 records a call, far below 500): the
  // slots never cap throughput, they only batch. 16 in flight made more, smaller calls (≈1 call
  // per 5 ms linger) for more CPU per upload and no throughput at the AWS profile in an A/B
  // (npm run bench:upload -- --ab KINESIS_PUBLISH_MAX_IN_FLIGHT=4,16; README, Benchmarks).
  KINESIS_PUBLISH_MAX_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  KINESIS_PUBLISH_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(64).default(4),
  KINESIS_PUBLISH_QUEUE_MAX_RECORDS: env.positiveInt(10_000),
  KINESIS_PUBLISH_QUEUE_MAX_BYTES: env.positiveInt(64 * 1024 * 1024),
  // Per-partition-key order even across retries, at some cost in throughput for hot keys.
  KINESIS_PUBLISH_ORDERED: env.bool(false),
  UPLOAD_PARTITION_KEY: z.enum(UPLOAD_PARTITION_KEYS).default('upload-id'),
};

type PublisherEnvironment = { [K in keyof typeof publisherEnvironmentShape]: z.infer<(typeof publisherEnvironmentShape)[K]> };

export function publisherConfigFrom(env: PublisherEnvironment): { batching: BatchingOptions; partitionKey: UploadPartitionKey } {
  return {
    batching: {
      deadlineMs: env.KINESIS_PUBLISH_DEADLINE_MS,
      requestTimeoutMs: env.KINESIS_PUBLISH_REQUEST_TIMEOUT_MS,
      maxLingerMs: env.KINESIS_PUBLISH_MAX_LINGER_MS,
      maxInFlight: env.KINESIS_PUBLISH_MAX_IN_FLIGHT,
      maxQueuedItems: env.KINESIS_PUBLISH_QUEUE_MAX_RECORDS,
      maxQueuedBytes: env.KINESIS_PUBLISH_QUEUE_MAX_BYTES,
      ordered: env.KINESIS_PUBLISH_ORDERED,
    },
    partitionKey: env.UPLOAD_PARTITION_KEY,
  };
}
