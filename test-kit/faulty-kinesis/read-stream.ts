import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type _Record } from '@aws-sdk/client-kinesis';

/**
 * Every record in the stream, all shards, from the trim horizon to the tip. Meant for
 * kinesalite (talk to it directly, not through a faulty proxy): there a GetRecords answer with
 * no records means the shard has been read to its tip, which is not true of real Kinesis.
 */
export async function readWholeStream(kinesis: KinesisClient, streamName: string): Promise<_Record[]> {
  const shardIds: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
    shardIds.push(...(page.Shards ?? []).map((s) => s.ShardId!));
    nextToken = page.NextToken;
  } while (nextToken);

  const perShard = await Promise.all(shardIds.map((shardId) => readShard(kinesis, streamName, shardId)));
  return perShard.flat();
}

async function readShard(kinesis: KinesisClient, streamName: string, shardId: string): Promise<_Record[]> {
  const records: _Record[] = [];
  let iterator = (
    await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))
  ).ShardIterator;
  while (iterator) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    const batch = page.Records ?? [];
    if (batch.length === 0) break;
    records.push(...batch);
    iterator = page.NextShardIterator;
  }
  return records;
}

/** The JSON a record carries (the wire packet `{pattern, id, occurred_at, headers, data}` for our events). */
export function recordJson<T = unknown>(record: _Record): T {
  return JSON.parse(Buffer.from(record.Data!).toString('utf8')) as T;
}
