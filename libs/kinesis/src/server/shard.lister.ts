import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';

/** Every shard of the stream (open and closed, not yet trimmed), across all pages. */
export async function listShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    // With a NextToken, Kinesis refuses StreamName: the token already names the stream.
    const page = await kinesis.send(
      new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards;
}

/** The ids of a shard's parents (none, one after a split, two after a merge). */
export function parentsOf(shard: Shard): string[] {
  return [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => !!id);
}
