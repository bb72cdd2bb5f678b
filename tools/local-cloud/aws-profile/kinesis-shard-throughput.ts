import type { KinesisShardLimits } from './aws-profile.settings';
import { monotonicClock, TokenBucket, type Clock } from './token-bucket';

interface ShardBuckets {
  writeRecords: TokenBucket;
  writeBytes: TokenBucket;
  readCalls: TokenBucket;
  readBytes: TokenBucket;
}

/**
 * Kinesis' per-shard limits as token buckets, one set per shard (`<stream>/<shardId>`), made
 * on first use and full then:
 * - a write takes one record and its size (data + partition key) from the shard's write
 *   buckets, both or neither;
 * - a GetRecords call takes one call and must find the read-bytes bucket out of debt; what it
 *   returned is charged afterwards, so a large read blocks the next ones until the debt is
 *   paid (Kinesis: a call returning 10 MiB throttles the calls of the next seconds).
 */
export class KinesisShardThroughput {
  private readonly shards = new Map<string, ShardBuckets>();

  constructor(
    private readonly limits: KinesisShardLimits,
    private readonly clock: Clock = monotonicClock,
  ) {}

  /** Admits one record of `bytes` on the shard, or refuses it and leaves the buckets alone. */
  admitWrite(shard: string, bytes: number): boolean {
    const { writeRecords, writeBytes } = this.buckets(shard);
    if (!writeRecords.canTake(1) || !writeBytes.canTake(bytes)) return false;
    writeRecords.tryTake(1);
    writeBytes.tryTake(bytes);
    return true;
  }

  /** Admits one GetRecords call on the shard. */
  admitRead(shard: string): boolean {
    const { readCalls, readBytes } = this.buckets(shard);
    if (!readBytes.hasCredit() || !readCalls.canTake(1)) return false;
    readCalls.tryTake(1);
    return true;
  }

  /** Charges what an admitted GetRecords call returned. */
  chargeRead(shard: string, bytes: number): void {
    this.buckets(shard).readBytes.charge(bytes);
  }

  private buckets(shard: string): ShardBuckets {
    let buckets = this.shards.get(shard);
    if (buckets === undefined) {
      const { writeRecordsPerSecond, writeBytesPerSecond, readCallsPerSecond, readBytesPerSecond, burstSeconds } = this.limits;
      const bucket = (rate: number) => new TokenBucket(rate, rate * burstSeconds, this.clock);
      buckets = {
        writeRecords: bucket(writeRecordsPerSecond),
        writeBytes: bucket(writeBytesPerSecond),
        readCalls: bucket(readCallsPerSecond),
        readBytes: bucket(readBytesPerSecond),
      };
      this.shards.set(shard, buckets);
    }
    return buckets;
  }
}
