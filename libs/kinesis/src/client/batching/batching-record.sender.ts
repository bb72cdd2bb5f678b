import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { classifyAwsError, isThrottlingError, isTransientAwsError, mayHaveTakenEffect } from '@lib/aws';
import { GroupCommitQueue, type GroupCommitOptions, type ItemOutcome } from '@lib/group-commit';
import type { KinesisPutResult, KinesisRecordEntry, KinesisRecordSender } from '../kinesis-record.sender';
import { PUT_RECORDS_MAX_BYTES, PUT_RECORDS_MAX_RECORDS } from './put-records.limits';
import { RecordRejectedError } from './record-rejected.error';

/**
 * Options of {@link BatchingRecordSender}: those of the group-commit queue (deadline, linger,
 * calls in flight, queue bounds, ordered mode, backoff), each with a default fit for an api.
 */
export type BatchingOptions = Partial<Omit<GroupCommitOptions<KinesisRecordEntry, KinesisPutResult>, 'call' | 'isRetryable' | 'isThrottled' | 'isUnavailable'>>;

/** A record or a whole call refused because the stream's shards are at their write limits. */
function isThrottled(error: unknown): boolean {
  return error instanceof RecordRejectedError ? error.errorCode === 'ProvisionedThroughputExceededException' : isThrottlingError(error);
}

/**
 * Delivers records with `PutRecords` the way the Kinesis Producer Library does, behind the
 * one-record-at-a-time {@link KinesisRecordSender} interface: group commit (≤ 500 records,
 * ≤ 5 MiB per call; nothing waits when nothing is in flight), only the refused records resent
 * (`ProvisionedThroughputExceededException`, `InternalFailure`) with capped exponential backoff
 * and full jitter, whole calls retried on throttling, 5xx and network errors, all within a
 * deadline (then `DeadlineExceededError`), a bounded queue (`QueueFullError` at once), and an
 * ordered mode that keeps per-partition-key order across retries. See {@link GroupCommitQueue}.
 *
 * Load shedding: when most records of the last second were refused for throughput
 * (`ProvisionedThroughputExceededException`) and refused records still wait to be retried, the
 * stream is saturated: a new record is refused at once (`SaturatedError`) rather than queued
 * behind them until its deadline, so an api can answer 503 at once instead of after the
 * deadline. Records already accepted keep their retries; admission reopens as soon as they are
 * through. The same holds while Kinesis is down (calls unanswered, timed out or failing with
 * 5xx): new records get `SaturatedError` at once while the held ones retry, and the first of
 * them to get through reopens admission, so an outage costs a new upload milliseconds, not its
 * deadline. `shedding: false` turns this off.
 *
 * `send` resolves only once Kinesis acknowledged the record, so a caller that waits for it (an
 * api answering 202) never acknowledges a record that is not in the stream. A record given up
 * after a call that carried it went unanswered (timed out, connection lost, 5xx) rejects with
 * `OutcomeUnknownError`: it may be in the stream all the same.
 */
export class BatchingRecordSender implements KinesisRecordSender {
  private readonly queue: GroupCommitQueue<KinesisRecordEntry, KinesisPutResult>;

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    options: BatchingOptions = {},
  ) {
    this.queue = new GroupCommitQueue({
      ...options,
      maxBatchItems: Math.min(options.maxBatchItems ?? PUT_RECORDS_MAX_RECORDS, PUT_RECORDS_MAX_RECORDS),
      maxBatchBytes: Math.min(options.maxBatchBytes ?? PUT_RECORDS_MAX_BYTES, PUT_RECORDS_MAX_BYTES),
      call: (entries, signal) => this.putRecords(entries, signal),
      isRetryable: isTransientAwsError,
      isThrottled,
      isUnavailable: (error) => classifyAwsError(error) === 'unavailable',
      mayHaveTakenEffect,
    });
  }

  /** The stream is refusing most records for throughput: new records are refused at once. */
  get saturated(): boolean {
    return this.queue.saturated;
  }

  /** Counters (delivered, retried, refused, ...) and what is held right now. */
  get stats() {
    return this.queue.stats;
  }

  send(entry: KinesisRecordEntry): Promise<KinesisPutResult> {
    const bytes = entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
    return this.queue.submit(entry, bytes, entry.partitionKey);
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  private async putRecords(
    entries: readonly KinesisRecordEntry[],
    signal: AbortSignal,
  ): Promise<Array<ItemOutcome<KinesisPutResult>>> {
    const output = await this.kinesis.send(
      new PutRecordsCommand({
        StreamName: this.streamName,
        Records: entries.map((entry) => ({ Data: entry.data, PartitionKey: entry.partitionKey })),
      }),
      { abortSignal: signal },
    );
    const results = output.Records ?? [];
    return entries.map((_, i) => {
      const result = results[i];
      if (result?.SequenceNumber !== undefined && result.ErrorCode === undefined) {
        return { ok: true, result: { shardId: result.ShardId ?? '', sequenceNumber: result.SequenceNumber } };
      }
      const error = result
        ? new RecordRejectedError(result.ErrorCode ?? 'InternalFailure', result.ErrorMessage)
        : new RecordRejectedError('InternalFailure', 'no result for this record in the PutRecords answer');
      // Kinesis documents two per-record codes, both transient (throttled, internal failure).
      return { ok: false, error, retryable: true };
    });
  }
}
