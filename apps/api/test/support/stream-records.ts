import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { decodePacket } from '@lib/kinesis';

/** One record of a test stream, decoded enough to tell what it is about. */
export interface StreamRecord {
  pattern: string;
  eventId: string;
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
}

/** Every record of the stream about one upload (its `data.id`), in stream order per shard. */
export async function streamRecordsAbout(kinesis: KinesisClient, streamName: string, id: string): Promise<StreamRecord[]> {
  const found: StreamRecord[] = [];
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator !== undefined) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        const packet = decodePacket(record.Data!);
        if ((packet.data as { id?: string }).id !== id) continue;
        found.push({
          pattern: packet.pattern,
          eventId: packet.id,
          shardId: shard.ShardId!,
          sequenceNumber: record.SequenceNumber!,
          partitionKey: record.PartitionKey!,
          data: record.Data!,
        });
      }
      // kinesalite: an empty page means the end of what the shard holds now.
      iterator = page.Records?.length ? page.NextShardIterator : undefined;
    }
  }
  return found;
}
