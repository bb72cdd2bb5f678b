import type { UserRecord } from '../aggregation/user-records';
import type { KinesisPacket } from '../kinesis-packet';
import { describeError } from '../server/aws-errors';

/** Why a record was set aside: a short, stable code to filter on. */
export type DeadLetterReason =
  | 'malformed-record'
  | 'no-handler'
  | 'handler-rejected'
  | 'handler-failed'
  /** Older than `maxRecordAgeMs` before it could be handled (Lambda's MaximumRecordAgeInSeconds). */
  | 'record-too-old';

/**
 * A record that could not be handled, with everything needed to inspect it and publish it
 * again: where it was, how often it was tried, why it failed, and the original bytes.
 */
export interface DeadLetter {
  stream: string;
  shard_id: string;
  sequence_number: string;
  /** For a user record of a KPL aggregate: its index in the aggregate. */
  sub_sequence_number?: number;
  /** The partition key (of the user record, for an aggregate). */
  partition_key: string;
  /** ISO-8601 time Kinesis accepted the record. */
  arrival_time: string;
  /** How many times a handler was called with it (0 when it never reached one). */
  attempts: number;
  reason: DeadLetterReason;
  last_error: string;
  /** The record's bytes exactly as read (the user record's, for an aggregate), base64-encoded. */
  data_base64: string;
  /** The decoded packet, when the bytes were a valid one. */
  packet?: KinesisPacket;
  /** ISO-8601 time the record was dead-lettered. */
  dead_lettered_at: string;
}

/**
 * Where dead letters go. `send` resolves only once the letter is durably stored: the
 * transport checkpoints past the record after that, and retries `send` until it succeeds.
 * It must therefore be idempotent (the same letter may be sent twice).
 */
export interface DeadLetterSink {
  send(letter: DeadLetter): Promise<void>;
}

/** Everything a dead letter is made of: where the record was, and why it is set aside. */
export interface DeadLetterCause {
  streamName: string;
  shardId: string;
  record: UserRecord;
  reason: DeadLetterReason;
  attempts: number;
  error: unknown;
  /** The decoded packet, when the bytes were one. */
  packet?: KinesisPacket;
  /** When it is dead-lettered (epoch ms). */
  at: number;
}

/** The letter for a record, from either transport (containers or Lambda). */
export function deadLetterOf(cause: DeadLetterCause): DeadLetter {
  const { record } = cause;
  return {
    stream: cause.streamName,
    shard_id: cause.shardId,
    sequence_number: record.SequenceNumber ?? '',
    ...(record.subSequenceNumber !== undefined ? { sub_sequence_number: record.subSequenceNumber } : {}),
    partition_key: record.PartitionKey ?? '',
    arrival_time: (record.ApproximateArrivalTimestamp ?? new Date(0)).toISOString(),
    attempts: cause.attempts,
    reason: cause.reason,
    last_error: describeError(cause.error),
    data_base64: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
    ...(cause.packet ? { packet: cause.packet } : {}),
    dead_lettered_at: new Date(cause.at).toISOString(),
  };
}
