import { ITERATOR_LIFETIME_MS, ShardIterators } from './shard-iterators';

describe('ShardIterators', () => {
  it('remembers which shard an iterator reads, until it would have expired', () => {
    let now = 0;
    const iterators = new ShardIterators(() => now);
    iterators.remember('it-1', 's/shardId-000000000000');
    now += ITERATOR_LIFETIME_MS / 2;
    iterators.remember('it-2', 's/shardId-000000000001');
    expect(iterators.shardOf('it-1')).toBe('s/shardId-000000000000');
    now += ITERATOR_LIFETIME_MS / 2;
    iterators.remember('it-3', 's/shardId-000000000001');
    expect(iterators.shardOf('it-1')).toBeUndefined();
    expect(iterators.shardOf('it-2')).toBe('s/shardId-000000000001');
    expect(iterators.size).toBe(2);
  });
});
