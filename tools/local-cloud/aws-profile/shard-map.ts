import { createHash } from 'node:crypto';

/** A shard as ListShards describes it (the fields the mapping needs). */
export interface ShardDescription {
  ShardId?: string;
  HashKeyRange?: { StartingHashKey?: string; EndingHashKey?: string };
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

interface OpenShard {
  shardId: string;
  start: bigint;
  end: bigint;
}

/**
 * The 128-bit hash key Kinesis places a record by: the ExplicitHashKey when the caller gives
 * one, else the MD5 of the partition key's UTF-8 bytes read as an unsigned big-endian integer
 * (Kinesis developer guide, "Partition key"; API reference, PutRecord).
 */
export function hashKeyOf(partitionKey: string, explicitHashKey?: string): bigint {
  if (explicitHashKey !== undefined && explicitHashKey !== '') return BigInt(explicitHashKey);
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/**
 * The open shards of one stream by hash key range. A closed shard (one with an
 * EndingSequenceNumber, a parent after a split or merge) takes no writes, and its range
 * overlaps its children's, so only open shards are kept.
 */
export class ShardMap {
  private readonly shards: OpenShard[];

  constructor(description: readonly ShardDescription[]) {
    this.shards = description
      .filter((s) => s.ShardId && s.HashKeyRange?.StartingHashKey && s.HashKeyRange.EndingHashKey)
      .filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
      .map((s) => ({
        shardId: s.ShardId!,
        start: BigInt(s.HashKeyRange!.StartingHashKey!),
        end: BigInt(s.HashKeyRange!.EndingHashKey!),
      }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  get shardIds(): string[] {
    return this.shards.map((s) => s.shardId);
  }

  /** The open shard whose range holds `hashKey`, or undefined (a gap: the map is out of date). */
  shardFor(hashKey: bigint): string | undefined {
    let low = 0;
    let high = this.shards.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const shard = this.shards[middle];
      if (hashKey < shard.start) high = middle - 1;
      else if (hashKey > shard.end) low = middle + 1;
      else return shard.shardId;
    }
    return undefined;
  }
}

/** Lists a stream's shards from the stand-in (every page). */
export type ListShards = (streamName: string) => Promise<ShardDescription[]>;

/**
 * The shard maps of the streams a proxy has seen, fetched from the stand-in on first use and
 * again when they turn out to be out of date: a hash key no open shard covers, or the stand-in
 * putting a record on another shard than predicted (a reshard happened since the last fetch).
 * Concurrent lookups of a stream share one fetch.
 */
export class ShardDirectory {
  private readonly maps = new Map<string, ShardMap>();
  private readonly fetching = new Map<string, Promise<ShardMap>>();
  private readonly stale = new Set<string>();

  constructor(private readonly listShards: ListShards) {}

  /** The shard of `hashKey` in `streamName`; undefined when the stream has no shard for it even after a refresh. */
  async shardFor(streamName: string, hashKey: bigint): Promise<string | undefined> {
    const cached = this.stale.has(streamName) ? undefined : this.maps.get(streamName);
    const shardId = cached?.shardFor(hashKey);
    if (shardId !== undefined) return shardId;
    return (await this.refresh(streamName)).shardFor(hashKey);
  }

  /** The stand-in placed a record elsewhere than predicted: fetch the map again before the next lookup. */
  markStale(streamName: string): void {
    this.stale.add(streamName);
  }

  /** Forgets a stream (deleted, or recreated with other shards). */
  forget(streamName: string): void {
    this.maps.delete(streamName);
  }

  private refresh(streamName: string): Promise<ShardMap> {
    let pending = this.fetching.get(streamName);
    if (pending === undefined) {
      this.stale.delete(streamName);
      pending = this.listShards(streamName)
        .then((shards) => {
          const map = new ShardMap(shards);
          this.maps.set(streamName, map);
          return map;
        })
        .finally(() => this.fetching.delete(streamName));
      this.fetching.set(streamName, pending);
    }
    return pending;
  }
}
