import { z } from 'zod';
import { env } from '@lib/config';
import { awsEnvironmentSchema } from '@lib/aws';

/**
 * Everything the worker reads from its environment. Parsed once, at start-up; a bad or
 * missing variable stops the app with an error naming it.
 */
export const workerEnvironmentSchema = awsEnvironmentSchema.extend({
  KINESIS_STREAM_NAME: env.name('file-events'),
  S3_BUCKET: env.name('file-store'),
  UPLOADS_TABLE: env.name('file-uploads'),
  LEASE_TABLE: env.name('file-worker-leases'),
  /**
   * Names this worker in the lease table. Left undefined rather than defaulted here: a
   * generated value would be copied into `process.env` and shared by every worker started
   * in the same process (see `resolveWorkerId`).
   */
  WORKER_ID: z.string().trim().min(1).max(128).optional(),
  /** Port of the health endpoints; 0 picks a free one (several workers side by side). */
  WORKER_HEALTH_PORT: env.port(3001),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Pause between two GetRecords calls on a shard that returned nothing. */
  KINESIS_IDLE_TIME_MS: z.coerce.number().int().min(0).default(200),
  KINESIS_MAX_RECORDS: z.coerce.number().int().min(1).max(10_000).default(1000),
  /**
   * Records of one shard stored at once. Uploads are keyed by their id, so they are
   * independent; records with the same partition key still go one after the other.
   * `auto` (the container default): sized per shard from the measured S3/DynamoDB latency, 4
   * on loopback (where s3rver is fastest at 16 writes in flight for 4 shards) up to 64 for a
   * distant S3, enough to keep up with a shard written at its limit. On Lambda, `auto` means 16.
   */
  KINESIS_MAX_CONCURRENCY: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(1000)]).default('auto'),
  /** The checkpoint moves after every GetRecords page and, within a long one, at most this often. */
  KINESIS_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  /**
   * The record-age deadline, in seconds since the record reached the stream; unset: none. In a
   * container a record past it goes to the dead letters untried; on Lambda it is tried once
   * more per delivery and dead-lettered if that fails (deploy/ sets it short of the retention).
   */
  KINESIS_MAX_RECORD_AGE_S: z.coerce.number().int().min(1).optional(),
  /** A record whose pattern no handler serves: kept in the dead letters, or skipped. */
  KINESIS_UNKNOWN_PATTERN: z.enum(['dead-letter', 'skip']).default('dead-letter'),
  /** Attempts of a record failing for a reason of its own (not an outage) before it goes to the dead letters. */
  KINESIS_MAX_ATTEMPTS: env.positiveInt(3),
  LEASE_DURATION_MS: env.positiveInt(10_000),
});

export type WorkerEnvironment = z.infer<typeof workerEnvironmentSchema>;
