// Against a real redis-server (Debian's redis-server package; CI installs it): the script,
// its atomicity across clients, the server's clock, expiry, cluster mode and the fallback.
jest.setTimeout(20_000);
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '../../../../test-kit/wait-for';
import { redisServerAvailable } from '../../../../test-kit/redis-server';
import type { ChildServerProcess } from '../../../../tools/local-cloud/child-server.process';
import { pickFreePort } from '../../../../tools/local-cloud/ports';
import { startRedisServer } from '../../../../tools/local-cloud/redis-server.process';
import { createTokenBucketClient } from './rate-limit-redis.client';
import { RedisTokenBucketThrottlerStorage } from './redis-token-bucket.throttler-storage';
import { TokenBucketThrottlerStorage } from './token-bucket.throttler-storage';

const describeWithRedis = redisServerAvailable('the Redis token-bucket storage spec') ? describe : describe.skip;

/** 100 requests/s sustained, bursts of 200 (the api's default). */
const DEFAULT = { ttl: 2_000, limit: 200 };

describeWithRedis('RedisTokenBucketThrottlerStorage (real redis-server)', () => {
  let dir: string;
  let server: ChildServerProcess;
  let port: number;
  const storages: RedisTokenBucketThrottlerStorage[] = [];
  const fallbacks = { count: 0 };

  /** A storage with its own connection and fallback, as one api process has. */
  const storage = async (options: { cluster?: boolean; timeoutMs?: number; port?: number } = {}) => {
    const client = createTokenBucketClient({ url: `redis://127.0.0.1:${options.port ?? port}`, cluster: options.cluster ?? false, timeoutMs: options.timeoutMs ?? 50 });
    const made = new RedisTokenBucketThrottlerStorage(client, new TokenBucketThrottlerStorage(), { count: () => void fallbacks.count++ });
    storages.push(made);
    await made.onModuleInit();
    return made;
  };
  const take = (s: RedisTokenBucketThrottlerStorage, key: string, policy = DEFAULT) => s.increment(key, policy.ttl, policy.limit);
  let keyCount = 0;
  const freshKey = () => `user:spec-${process.pid}-${++keyCount}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redis-storage-spec-'));
    port = await pickFreePort('redis');
    server = await startRedisServer(port, dir);
  });
  afterEach(async () => {
    await Promise.all(storages.splice(0).map((s) => s.onApplicationShutdown()));
    fallbacks.count = 0;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('shares one bucket between two processes: together they get the burst, not twice it', async () => {
    const [a, b] = [await storage(), await storage()];
    const key = freshKey();
    const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) => take(i % 2 === 0 ? a : b, key)));
    const allowed = outcomes.filter((o) => !o.isBlocked).length;
    // 200 at once, plus what refills (100/s) while 300 calls are answered.
    expect(allowed).toBeGreaterThanOrEqual(200);
    expect(allowed).toBeLessThan(215);
    expect(fallbacks.count).toBe(0);
    const refused = outcomes.find((o) => o.isBlocked)!;
    expect(refused.timeToBlockExpire).toBe(1);
  });

  it('answers exactly as the in-process bucket does (same headers, same Retry-After)', async () => {
    const shared = await storage();
    const local = new TokenBucketThrottlerStorage();
    // A bucket that refills too slowly for the calls' timing to matter.
    const policy = { limit: 5, ttl: 50_000_000 };
    const key = freshKey();
    for (let i = 0; i < 7; i++) expect(await take(shared, key, policy)).toEqual(await local.increment(key, policy.ttl, policy.limit));
    local.onModuleDestroy();
  });

  it('refills at the sustained rate, timed by the server', async () => {
    const s = await storage();
    const key = freshKey();
    const policy = { limit: 5, ttl: 500 }; // 10 per second
    for (let i = 0; i < 5; i++) expect((await take(s, key, policy)).isBlocked).toBe(false);
    const emptiedAt = Date.now();
    expect((await take(s, key, policy)).isBlocked).toBe(true);
    await waitFor(async () => !(await take(s, key, policy)).isBlocked || undefined, { timeoutMs: 2_000, intervalMs: 10 });
    // One token takes 100 ms to come back.
    expect(Date.now() - emptiedAt).toBeGreaterThanOrEqual(90);
  });

  it('keeps one bucket per user and per policy, each expiring once it would be full again', async () => {
    const s = await storage();
    const [one, other] = [freshKey(), freshKey()];
    for (let i = 0; i < 5; i++) await take(s, one, { limit: 5, ttl: 500 });
    expect((await take(s, one, { limit: 5, ttl: 500 })).isBlocked).toBe(true);
    expect((await take(s, other, { limit: 5, ttl: 500 })).isBlocked).toBe(false);
    // Another policy for the same user (a process configured differently) is another bucket.
    expect((await take(s, one, { limit: 6, ttl: 600 })).isBlocked).toBe(false);
    const inspector = new Redis(port, '127.0.0.1');
    try {
      const ttl = await inspector.pttl(`rate-limit:${one}:5:500`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(500);
    } finally {
      await inspector.quit();
    }
  });

  it('falls back to the in-process bucket while the store is down, and shares again once it is back', async () => {
    const spareDir = await mkdtemp(join(tmpdir(), 'redis-storage-outage-'));
    const sparePort = await pickFreePort('redis');
    let spare = await startRedisServer(sparePort, spareDir);
    try {
      const s = await storage({ port: sparePort });
      const key = freshKey();
      expect((await take(s, key)).isBlocked).toBe(false);
      expect(s.shared).toBe(true);
      await spare.stop();
      // Every request is still answered, by this process's own bucket, and counted.
      for (let i = 0; i < 10; i++) expect((await take(s, key)).isBlocked).toBe(false);
      expect(s.shared).toBe(false);
      expect(fallbacks.count).toBe(10);
      spare = await startRedisServer(sparePort, spareDir);
      await waitFor(async () => (await take(s, key), s.shared) || undefined, { timeoutMs: 10_000, description: 'the storage to use the store again' });
    } finally {
      await spare.stop();
      await rm(spareDir, { recursive: true, force: true });
    }
  });

  it('gives up on a store that does not answer after the timeout, then spares the next requests the wait', async () => {
    const s = await storage({ timeoutMs: 50 });
    const key = freshKey();
    await take(s, key);
    const pauser = new Redis(port, '127.0.0.1');
    try {
      // The store stops answering anyone for a second (a failover, an overloaded node).
      await pauser.call('CLIENT', 'PAUSE', '1000', 'ALL');
      let started = Date.now();
      expect((await take(s, key)).isBlocked).toBe(false);
      expect(Date.now() - started).toBeLessThan(500);
      expect(fallbacks.count).toBe(1);
      started = Date.now();
      for (let i = 0; i < 20; i++) await take(s, key);
      // Within the retry interval nobody waits for the store again.
      expect(Date.now() - started).toBeLessThan(100);
      expect(fallbacks.count).toBe(21);
    } finally {
      await pauser.call('CLIENT', 'UNPAUSE');
      await pauser.quit();
    }
  });

  it('works in cluster mode, the only protocol ElastiCache Serverless speaks', async () => {
    const clusterDir = await mkdtemp(join(tmpdir(), 'redis-storage-cluster-'));
    const clusterPort = await pickFreePort('redis');
    const cluster = await startRedisServer(clusterPort, clusterDir, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1']);
    const admin = new Redis(clusterPort, '127.0.0.1');
    try {
      // One node holding every slot: a cluster of one.
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await waitFor(async () => (String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok') ? true : undefined), { timeoutMs: 10_000 });
      const [a, b] = [await storage({ cluster: true, port: clusterPort }), await storage({ cluster: true, port: clusterPort })];
      const key = freshKey();
      const policy = { limit: 10, ttl: 50_000_000 };
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => take(i % 2 ? a : b, key, policy)));
      expect(outcomes.filter((o) => !o.isBlocked)).toHaveLength(10);
      expect(fallbacks.count).toBe(0);
    } finally {
      await admin.quit();
      await cluster.stop();
      await rm(clusterDir, { recursive: true, force: true });
    }
  });
});
