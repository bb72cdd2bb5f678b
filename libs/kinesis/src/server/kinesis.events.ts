import type { DeadLetter } from '../dead-letter/dead-letter';
import type { TrimmedGap } from './shard.consumer';

/** The status `ServerKinesis` pushes on `status` (Nest's `app.status`). */
export const KinesisStatus = {
  /** Reading: the last calls to Kinesis and DynamoDB succeeded. */
  CONNECTED: 'connected',
  /** Some calls are failing and being retried with backoff (an outage being waited out). */
  RECONNECTING: 'reconnecting',
  /** Not started, or closed. */
  DISCONNECTED: 'disconnected',
  /** A shard's consumer crashed (a bug, not an outage): restart the worker. Final until then. */
  CRASHED: 'crashed',
} as const;
export type KinesisStatus = (typeof KinesisStatus)[keyof typeof KinesisStatus];

/** Events `ServerKinesis.on()` accepts. */
export type KinesisEvents = {
  /** This worker took the lease of a shard and started reading it. */
  'lease-acquired': (shardId: string) => void;
  /** This worker lost a lease (taken over or expired) and stopped reading its shard. */
  'lease-lost': (shardId: string) => void;
  /** A closed shard was read to its end and checkpointed as such. */
  'shard-end': (shardId: string) => void;
  /** A record was durably dead-lettered (the shard moves on). */
  'dead-letter': (letter: DeadLetter) => void;
  /**
   * A shard was resumed from a checkpoint older than the stream's retention: what arrived
   * between the checkpointed record and the trim horizon was trimmed before anyone read it.
   */
  'records-trimmed': (gap: TrimmedGap) => void;
  /** A shard's consumer crashed; its lease was given back. */
  crashed: (shardId: string, error: unknown) => void;
  /** An AWS call failed and is being retried. */
  error: (error: unknown) => void;
};
