import { createHash } from 'node:crypto';
import { hashKeyOf, ShardDirectory, ShardMap, type ShardDescription } from './shard-map';

const MAX = 2n ** 128n - 1n;

/** The four even ranges kinesalite (and Kinesis) give a new 4-shard stream. */
function evenShards(count: number, prefix = 0): ShardDescription[] {
  const width = (MAX + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    ShardId: `shardId-${String(prefix + i).padStart(12, '0')}`,
    HashKeyRange: { StartingHashKey: String(width * BigInt(i)), EndingHashKey: String(i === count - 1 ? MAX : width * BigInt(i + 1) - 1n) },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

describe('hashKeyOf', () => {
  it('is the MD5 of the partition key as an unsigned 128-bit integer', () => {
    const hex = createHash('md5').update('upload-1', 'utf8').digest('hex');
    expect(hashKeyOf('upload-1')).toBe(BigInt(`0x${hex}`));
    // A known value: MD5("a") = 0cc175b9c0f1b6a831c399e269772661.
    expect(hashKeyOf('a')).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
  });

  it('uses the explicit hash key when there is one', () => {
    expect(hashKeyOf('ignored', '340282366920938463463374607431768211455')).toBe(MAX);
  });
});

describe('ShardMap', () => {
  it('maps hash keys onto the range that holds them, edges included', () => {
    const map = new ShardMap(evenShards(4));
    const quarter = (MAX + 1n) / 4n;
    expect(map.shardFor(0n)).toBe('shardId-000000000000');
    expect(map.shardFor(quarter - 1n)).toBe('shardId-000000000000');
    expect(map.shardFor(quarter)).toBe('shardId-000000000001');
    expect(map.shardFor(MAX)).toBe('shardId-000000000003');
    // MD5("a") starts with 0x0c: the first quarter.
    expect(map.shardFor(hashKeyOf('a'))).toBe('shardId-000000000000');
  });

  it('spreads MD5 partition keys evenly', () => {
    const map = new ShardMap(evenShards(4));
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const shard = map.shardFor(hashKeyOf(`key-${i}`))!;
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect([...counts.values()].every((n) => n > 850 && n < 1150)).toBe(true);
  });

  it('ignores closed shards (parents after a split), whose ranges overlap their children', () => {
    const [parent] = evenShards(1);
    const closed = { ...parent, SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' } };
    const children = evenShards(2, 1);
    const map = new ShardMap([closed, ...children]);
    expect(map.shardIds).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    expect(map.shardFor(MAX)).toBe('shardId-000000000002');
  });
});

describe('ShardDirectory', () => {
  it('lists a stream once, and shares one fetch between concurrent lookups', async () => {
    const listShards = jest.fn(async () => evenShards(4));
    const directory = new ShardDirectory(listShards);
    await Promise.all([directory.shardFor('s', 0n), directory.shardFor('s', MAX)]);
    await directory.shardFor('s', 1n);
    expect(listShards).toHaveBeenCalledTimes(1);
  });

  it('fetches again when a hash key falls in no known range (resharded stream)', async () => {
    const listings = [evenShards(1).map((s) => ({ ...s, HashKeyRange: { StartingHashKey: '0', EndingHashKey: '100' } })), evenShards(2)];
    const listShards = jest.fn(async () => listings.shift()!);
    const directory = new ShardDirectory(listShards);
    expect(await directory.shardFor('s', 5n)).toBe('shardId-000000000000');
    expect(await directory.shardFor('s', MAX)).toBe('shardId-000000000001');
    expect(listShards).toHaveBeenCalledTimes(2);
  });

  it('fetches again after being told a record landed elsewhere', async () => {
    const listings = [evenShards(1), evenShards(2, 1)];
    const listShards = jest.fn(async () => listings.shift()!);
    const directory = new ShardDirectory(listShards);
    expect(await directory.shardFor('s', MAX)).toBe('shardId-000000000000');
    directory.markStale('s');
    expect(await directory.shardFor('s', MAX)).toBe('shardId-000000000002');
  });
});
