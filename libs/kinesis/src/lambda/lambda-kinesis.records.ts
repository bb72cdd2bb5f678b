import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { streamNameOfArn } from './failed-batch';

/** A record of a Lambda Kinesis event, as the transport's record types have it. */
export interface LambdaShardRecord {
  streamName: string;
  shardId: string;
  record: _Record;
}

/**
 * Reads a Lambda event record: the bytes are base64, the arrival time is in seconds, the
 * shard is the part of `eventID` before the colon and the stream the last part of the ARN.
 */
export function fromLambdaRecord(event: KinesisStreamRecord): LambdaShardRecord {
  const { kinesis } = event;
  return {
    streamName: streamNameOfArn(event.eventSourceARN),
    shardId: event.eventID.slice(0, event.eventID.indexOf(':')),
    record: {
      Data: Buffer.from(kinesis.data, 'base64'),
      PartitionKey: kinesis.partitionKey,
      SequenceNumber: kinesis.sequenceNumber,
      ApproximateArrivalTimestamp: new Date(kinesis.approximateArrivalTimestamp * 1000),
    },
  };
}

/** The records of one shard, in the order Lambda gave them (which is the shard's order). */
export function groupByShard(records: LambdaShardRecord[]): Map<string, LambdaShardRecord[]> {
  const byShard = new Map<string, LambdaShardRecord[]>();
  for (const item of records) {
    const key = `${item.streamName}/${item.shardId}`;
    byShard.set(key, [...(byShard.get(key) ?? []), item]);
  }
  return byShard;
}
