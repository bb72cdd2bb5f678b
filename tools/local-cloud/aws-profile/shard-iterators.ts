/** How long Kinesis honours a shard iterator after handing it out (GetShardIterator: five minutes). */
export const ITERATOR_LIFETIME_MS = 5 * 60_000;

/**
 * Which shard each shard iterator reads. kinesalite's iterators are opaque, so the proxy learns
 * them as it hands them out: GetShardIterator names its shard in the request, and a GetRecords
 * answer's NextShardIterator reads the same shard as the iterator it was asked with. Entries
 * are forgotten once an iterator would have expired on Kinesis.
 */
export class ShardIterators {
  private readonly shards = new Map<string, { shard: string; at: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  remember(iterator: string, shard: string): void {
    const now = this.clock();
    this.shards.delete(iterator);
    this.shards.set(iterator, { shard, at: now });
    // Insertion order is age order: expired entries are at the front.
    for (const [key, entry] of this.shards) {
      if (now - entry.at < ITERATOR_LIFETIME_MS) break;
      this.shards.delete(key);
    }
  }

  /** The shard of an iterator this proxy handed out, or undefined (issued before it started, or expired). */
  shardOf(iterator: string): string | undefined {
    return this.shards.get(iterator)?.shard;
  }

  get size(): number {
    return this.shards.size;
  }
}
