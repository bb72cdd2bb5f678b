import { BaseRpcContext } from '@nestjs/microservices';
import type { KinesisPacket } from '../kinesis-packet';

/** What a handler learns about the record it is handling, besides the data. */
export type KinesisContextArgs = [
  streamName: string,
  shardId: string,
  sequenceNumber: string,
  partitionKey: string,
  arrivalTime: Date,
  packet: KinesisPacket,
  attempt: number,
  subSequenceNumber?: number,
];

/**
 * The context of one Kinesis record, for `@Ctx()` in `@EventPattern` handlers. Built from
 * plain values so that the container transport and a Lambda event handler can both make one.
 */
export class KinesisContext extends BaseRpcContext<KinesisContextArgs> {
  constructor(args: KinesisContextArgs) {
    super(args);
  }

  /** The name of the stream the record was read from. */
  getStreamName(): string {
    return this.args[0];
  }

  /** The shard the record was read from (records of one partition key share a shard). */
  getShardId(): string {
    return this.args[1];
  }

  /** The record's sequence number, unique within its shard and increasing. */
  getSequenceNumber(): string {
    return this.args[2];
  }

  getPartitionKey(): string {
    return this.args[3];
  }

  /** When Kinesis accepted the record (approximate, as Kinesis reports it). */
  getArrivalTime(): Date {
    return this.args[4];
  }

  /** The packet's headers (correlation id, payload version, ...). */
  getHeaders(): Record<string, string> {
    return this.args[5].headers;
  }

  /** The packet's identity: its pattern, event id and the time the event occurred. */
  getPacket(): Pick<KinesisPacket, 'pattern' | 'id' | 'occurred_at'> {
    const { pattern, id, occurred_at } = this.args[5];
    return { pattern, id, occurred_at };
  }

  /** For a user record of a KPL aggregate: its index within the aggregate; otherwise undefined. */
  getSubSequenceNumber(): number | undefined {
    return this.args[7];
  }

  /** 1 on the first delivery to a handler, then 2, 3, ... for each retry of the same record. */
  getAttempt(): number {
    return this.args[6];
  }
}
