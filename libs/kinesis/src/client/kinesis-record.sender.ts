import type { GroupCommitStats } from '@lib/group-commit';

/** One encoded record on its way to a stream. */
export interface KinesisRecordEntry {
  /** The encoded wire packet. */
  data: Uint8Array;
  partitionKey: string;
}

/** Where Kinesis placed an accepted record. */
export interface KinesisPutResult {
  shardId: string;
  sequenceNumber: string;
}

/**
 * Delivers encoded records to the stream. The promise settles only once Kinesis accepted the
 * record (or definitely did not), which is what lets an api acknowledge an upload safely.
 * {@link BatchingRecordSender} (the default) batches with `PutRecords`; {@link PutRecordSender}
 * sends one `PutRecord` each.
 */
export interface KinesisRecordSender {
  send(entry: KinesisRecordEntry): Promise<KinesisPutResult>;
  /** Counters since start, when the sender keeps them (for metrics). */
  readonly stats?: Readonly<KinesisSenderStats>;
  /** True while the sender refuses new records at once because the stream is saturated. */
  readonly saturated?: boolean;
  /** Resolves once every record handed over so far was delivered or given up (on shutdown). */
  flush?(): Promise<void>;
}

/** What a sender has done since it started: records (delivered, failed, refused, retried) and calls. */
export type KinesisSenderStats = Pick<GroupCommitStats, 'delivered' | 'failed' | 'refused' | 'shed' | 'throttled' | 'retried' | 'requests' | 'failedRequests'>;
