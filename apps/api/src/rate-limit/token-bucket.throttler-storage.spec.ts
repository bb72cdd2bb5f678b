import { TokenBucketThrottlerStorage } from './token-bucket.throttler-storage';

describe('TokenBucketThrottlerStorage', () => {
  let now: number;
  let storage: TokenBucketThrottlerStorage;
  // 100 requests/s sustained, bursts of 200: a bucket of 200 refilled in 2 s.
  const take = (key = 'user:a') => storage.increment(key, 2000, 200);

  beforeEach(() => {
    now = 1_000_000;
    storage = new TokenBucketThrottlerStorage(() => now);
  });
  afterEach(() => storage.onModuleDestroy());

  it('lets a burst of exactly the bucket size through, then blocks with the wait for one token', async () => {
    for (let i = 0; i < 200; i++) expect((await take()).isBlocked).toBe(false);
    const refused = await take();
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
  });

  it('refills at the sustained rate: 100 more after one second, not 200', async () => {
    for (let i = 0; i < 200; i++) await take();
    now += 1000;
    let allowed = 0;
    while (!(await take()).isBlocked) allowed++;
    expect(allowed).toBe(100);
  });

  it('sustains the rate for a client that stays under it', async () => {
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < 100; i++) {
        expect((await take()).isBlocked).toBe(false);
        now += 10;
      }
    }
  });

  it('keeps one bucket per key', async () => {
    for (let i = 0; i < 200; i++) await take('user:a');
    expect((await take('user:a')).isBlocked).toBe(true);
    expect((await take('user:b')).isBlocked).toBe(false);
  });

  it('reports the tokens spent as hits, for the guard’s headers', async () => {
    await take();
    await take();
    expect((await take()).totalHits).toBe(3);
  });

  it('forgets buckets once they are full again', async () => {
    await take('user:a');
    await take('user:b');
    now += 1999;
    storage.sweep();
    expect(storage.size).toBe(2);
    now += 1;
    storage.sweep();
    expect(storage.size).toBe(0);
  });
});
