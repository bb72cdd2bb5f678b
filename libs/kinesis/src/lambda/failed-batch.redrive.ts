import { GetRecordsCommand, GetShardIteratorCommand, type _Record, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisRecordSender } from '../client/kinesis-record.sender';
import { deadLetterOf } from '../dead-letter/dead-letter';
import type { RedrivePolicy } from '../dead-letter/s3-dead-letter.redrive';
import { describeError } from '../server/aws-errors';
import { streamNameOfArn, type KinesisBatchInfo } from './failed-batch';

export interface FailedBatchRedriveOptions {
  /** Report what would be redriven, publish nothing. */
  dryRun?: boolean;
  /**
   * Asked for every record re-read, before it is published again (the same policy as for
   * dead letters; the record is shown as a `handler-failed` letter). Default: redrive all.
   */
  policy?: RedrivePolicy;
  /** Records per GetRecords call. Default 1000. */
  readLimit?: number;
}

/** What became of one failed batch. */
export interface FailedBatchOutcome {
  /** `<stream>/<shard>/<start>..<end>`. */
  batch: string;
  /** Records re-read from the stream and published again (or that would be, in a dry run). */
  redriven: number;
  discarded: Array<{ sequenceNumber: string; why: string }>;
  left: Array<{ sequenceNumber: string; why: string }>;
  /**
   * Set when the stream no longer holds the batch's first record (its retention ended): what
   * was trimmed cannot be redriven from the stream; its uploads stay as they were.
   */
  trimmed?: string;
  /** Set when the batch could not be read or published; nothing after the error was. */
  error?: string;
}

/**
 * Redrives what a Kinesis event source mapping gave up on: its on-failure destination gets
 * only the shard and the sequence number range of the batch ({@link KinesisBatchInfo}), so the
 * records are read again from the stream (GetShardIterator AT_SEQUENCE_NUMBER, up to the
 * batch's last sequence number) and published again under their partition keys, as
 * `S3DeadLetterRedrive` publishes a dead letter: same event, same id, so an idempotent handler
 * makes a repeat harmless. Only while the stream still holds them, i.e. within its retention.
 */
export class FailedBatchRedrive {
  constructor(
    private readonly kinesis: KinesisClient,
    /** Publishes to `streamName`. */
    private readonly sender: KinesisRecordSender,
    /** The stream the batches are read from and published back to; a batch of another is refused. */
    private readonly streamName: string,
  ) {}

  async run(batches: readonly KinesisBatchInfo[], options: FailedBatchRedriveOptions = {}): Promise<FailedBatchOutcome[]> {
    const outcomes: FailedBatchOutcome[] = [];
    for (const batch of batches) outcomes.push(await this.redriveBatch(batch, options));
    await this.sender.flush?.();
    return outcomes;
  }

  private async redriveBatch(batch: KinesisBatchInfo, options: FailedBatchRedriveOptions): Promise<FailedBatchOutcome> {
    const streamName = streamNameOfArn(batch.streamArn);
    const outcome: FailedBatchOutcome = {
      batch: `${streamName}/${batch.shardId}/${batch.startSequenceNumber}..${batch.endSequenceNumber}`,
      redriven: 0,
      discarded: [],
      left: [],
    };
    try {
      if (streamName !== this.streamName) throw new Error(`the batch is of stream ${streamName}, not ${this.streamName}`);
      const records = await this.readSpan(streamName, batch, options.readLimit ?? 1000);
      const first = records[0]?.SequenceNumber;
      if (first === undefined || BigInt(first) > BigInt(batch.startSequenceNumber)) {
        outcome.trimmed = `the stream no longer holds ${first === undefined ? 'any record of the batch' : `the records before ${first}`}`;
      }
      const sends: Array<Promise<unknown>> = [];
      for (const record of records) {
        const verdict = options.policy ? await options.policy(this.asLetter(streamName, batch.shardId, record)) : ({ action: 'redrive' } as const);
        if (verdict.action === 'discard') outcome.discarded.push({ sequenceNumber: record.SequenceNumber!, why: verdict.why });
        else if (verdict.action === 'leave') outcome.left.push({ sequenceNumber: record.SequenceNumber!, why: verdict.why });
        else {
          if (!options.dryRun) sends.push(this.sender.send({ data: record.Data!, partitionKey: record.PartitionKey || record.SequenceNumber! }));
          outcome.redriven += 1;
        }
      }
      await Promise.all(sends);
    } catch (error) {
      outcome.error = describeError(error);
    }
    return outcome;
  }

  /** The batch's records still in the stream, from its first sequence number to its last. */
  private async readSpan(streamName: string, batch: KinesisBatchInfo, limit: number): Promise<_Record[]> {
    const start = BigInt(batch.startSequenceNumber);
    const end = BigInt(batch.endSequenceNumber);
    let iterator = await this.iteratorAt(streamName, batch);
    const span: _Record[] = [];
    while (iterator) {
      const page = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      const records = page.Records ?? [];
      for (const record of records) {
        const sequence = BigInt(record.SequenceNumber!);
        if (sequence > end) return span;
        // Read from the trim horizon (see iteratorAt): what precedes the batch is not part of it.
        if (sequence >= start) span.push(record);
      }
      // Caught up with the shard's tip: the batch's end was trimmed or never written.
      if (records.length === 0 && !page.MillisBehindLatest) return span;
      iterator = page.NextShardIterator;
    }
    return span;
  }

  /**
   * An iterator at the batch's first record; at the trim horizon when Kinesis refuses that
   * sequence number (it no longer holds it), so that whatever of the batch is left is found.
   */
  private async iteratorAt(streamName: string, batch: KinesisBatchInfo): Promise<string | undefined> {
    const at = { StreamName: streamName, ShardId: batch.shardId };
    try {
      const answer = await this.kinesis.send(
        new GetShardIteratorCommand({ ...at, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: batch.startSequenceNumber }),
      );
      return answer.ShardIterator;
    } catch (error) {
      if ((error as { name?: string }).name !== 'InvalidArgumentException') throw error;
      return (await this.kinesis.send(new GetShardIteratorCommand({ ...at, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    }
  }

  private asLetter(streamName: string, shardId: string, record: _Record) {
    return deadLetterOf({ streamName, shardId, record, reason: 'handler-failed', attempts: 0, error: 'given up by the event source mapping', at: Date.now() });
  }
}
