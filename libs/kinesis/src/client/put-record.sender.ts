import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisPutResult, KinesisRecordEntry, KinesisRecordSender } from './kinesis-record.sender';

/**
 * Sends each record with its own `PutRecord` call. Retries are the SDK client's own
 * (`maxAttempts` of the injected client); a rejection here means the record is not in the
 * stream as far as this process can tell.
 */
export class PutRecordSender implements KinesisRecordSender {
  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
  ) {}

  async send(entry: KinesisRecordEntry): Promise<KinesisPutResult> {
    const output = await this.kinesis.send(
      new PutRecordCommand({
        StreamName: this.streamName,
        Data: entry.data,
        PartitionKey: entry.partitionKey,
      }),
    );
    return { shardId: output.ShardId ?? '', sequenceNumber: output.SequenceNumber ?? '' };
  }
}
