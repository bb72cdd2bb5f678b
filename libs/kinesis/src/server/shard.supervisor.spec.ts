import { KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { Backoff } from '@lib/group-commit';
import type { Lease } from '../leases/lease';
import type { LeaseManager } from '../leases/lease.manager';
import { TakeAllAvailableLeases } from '../leases/lease-taking.strategy';
import { systemClock } from './clock';
import type { ShardConsumer } from './shard.consumer';
import { ShardSupervisor, type ShardSupervisorDeps } from './shard.supervisor';

const kinesis = new KinesisClient({ region: 'us-east-1' });
const kinesisMock = mockClient(kinesis);
const quietLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

/** A lease table of one free lease, in memory. */
function fakeLeases() {
  const lease: Lease = { leaseKey: 's/shard-0', shardId: 'shard-0', counter: 0, expiresAt: 0, parentShardIds: [] };
  const released: string[] = [];
  const manager = {
    workerId: 'w',
    list: async () => [lease],
    create: async () => undefined,
    take: async (seen: Lease) => ({ ...seen, owner: 'w', counter: seen.counter + 1, expiresAt: Date.now() + 10_000 }),
    renew: async (held: Lease) => held,
    release: async (held: Lease) => void released.push(held.shardId),
    isAvailable: (l: Lease) => l.owner === undefined,
  };
  return { manager: manager as unknown as LeaseManager, released };
}

function supervisorWith(consumer: Pick<ShardConsumer, 'run'>, overrides: Partial<ShardSupervisorDeps> = {}) {
  const { manager, released } = fakeLeases();
  const crashes: Array<{ shardId: string; error: unknown }> = [];
  const supervisor = new ShardSupervisor({
    kinesis,
    streamName: 's',
    leases: manager,
    takingStrategy: new TakeAllAvailableLeases(),
    leaseDurationMs: 10_000,
    shardSyncIntervalMs: 60_000,
    shutdownTimeoutMs: 100,
    createConsumer: () => consumer as ShardConsumer,
    backoff: new Backoff(),
    clock: systemClock,
    logger: quietLogger,
    onHealth: () => undefined,
    onLeaseAcquired: () => undefined,
    onLeaseLost: () => undefined,
    onShardEnd: () => undefined,
    onCrash: (shardId, error) => void crashes.push({ shardId, error }),
    ...overrides,
  });
  return { supervisor, released, crashes };
}

describe('ShardSupervisor', () => {
  beforeEach(() => {
    kinesisMock.reset();
    kinesisMock.on(ListShardsCommand).resolves({ Shards: [{ ShardId: 'shard-0' } as Shard] });
  });

  it('a consumer that crashes is reported and its lease given back, so the shard does not stall', async () => {
    const bug = new TypeError('undefined is not a function');
    const { supervisor, released, crashes } = supervisorWith({ run: async () => Promise.reject(bug) });
    await supervisor.sync();
    const deadline = Date.now() + 2_000;
    while (crashes.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(crashes).toEqual([{ shardId: 'shard-0', error: bug }]);
    expect(released).toEqual(['shard-0']);
    expect(supervisor.heldShardIds).toEqual([]);
  });

  it('tracks how far behind each held shard is', async () => {
    let report!: (lagMs: number) => void;
    const { supervisor } = supervisorWith(
      { run: () => new Promise(() => undefined) },
      { createConsumer: (_lease, onProgress) => ((report = onProgress), { run: () => new Promise(() => undefined) }) as unknown as ShardConsumer },
    );
    await supervisor.sync();
    expect(supervisor.shardStates).toEqual([{ shardId: 'shard-0', lagMs: undefined, checkpoint: undefined }]);
    report(1_234);
    expect(supervisor.shardStates[0].lagMs).toBe(1_234);
  });

  it('stops waiting for a hung handler after shutdownTimeoutMs', async () => {
    const { supervisor } = supervisorWith({ run: () => new Promise(() => undefined) });
    await supervisor.sync();
    supervisor.start();
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(quietLogger.warn).toHaveBeenCalledWith(expect.stringContaining('their leases will expire'));
  });
});
