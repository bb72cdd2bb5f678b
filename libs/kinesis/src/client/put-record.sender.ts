import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { mayHaveTakenEffect } from '@lib/aws';
import { OutcomeUnknownError } from '@lib/group-commit';
import type { KinesisPutResult, KinesisRecordEntry, KinesisRecordSender } from './kinesis-record.sender';

/**
 * Sends each record with its own `PutRecord` call. Retries are the SDK client's own
 * (`maxAttempts` of the injected client). A rejection means the record is not in the stream,
 * unless it is an `OutcomeUnknownError`: the last call went unanswered (timeout, lost
 * connection, 5xx) and Kinesis may have written it.
 */
export class PutRecordSender implements KinesisRecordSender {
  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
  ) {}

  async send(entry: KinesisRecordEntry): Promise<KinesisPutResult> {
    const output = await this.kinesis
      .send(
        new PutRecordCommand({
          StreamName: this.streamName,
          Data: entry.data,
          PartitionKey: entry.partitionKey,
        }),
      )
      .catch((error: unknown) => {
        throw mayHaveTakenEffect(error) ? new OutcomeUnknownError({ cause: error }) : error;
      });
    return { shardId: output.ShardId ?? '', sequenceNumber: output.SequenceNumber ?? '' };
  }
}
