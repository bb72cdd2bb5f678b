import { SHARD_END, type Lease } from './lease';
import { FairShareLeaseBalancer, TakeAllAvailableLeases, type LeaseTakingInput } from './lease-taking.strategy';

const NOW = 1_000_000;
const lease = (shardId: string, owner?: string, extra: Partial<Lease> = {}): Lease => ({
  leaseKey: `s/${shardId}`,
  shardId,
  owner,
  counter: 1,
  expiresAt: owner ? NOW + 5_000 : 0,
  parentShardIds: [],
  ...extra,
});

function input(workerId: string, all: Lease[], held = all.filter((l) => l.owner === workerId).length): LeaseTakingInput {
  const available = all.filter(
    (l) => l.checkpoint !== SHARD_END && (l.owner === undefined || l.expiresAt <= NOW) && l.owner !== workerId,
  );
  return { workerId, available, all, held, now: NOW };
}

const ids = (leases: Lease[]) => leases.map((l) => l.shardId);

describe('FairShareLeaseBalancer', () => {
  const balancer = new FairShareLeaseBalancer();

  it('a lone worker takes every open lease', () => {
    const all = ['a', 'b', 'c', 'd'].map((id) => lease(id));
    expect(ids(balancer.choose(input('w1', all)).take)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('takes free leases only up to its share when others are alive', () => {
    const all = [lease('a', 'w2'), lease('b', 'w2'), lease('c'), lease('d')];
    // Two workers, four open leases: a share of two.
    expect(balancer.choose(input('w1', all))).toEqual({ take: [all[2], all[3]], requestHandoff: [] });
  });

  it('counts expired holders as gone and takes their leases by force', () => {
    const all = [lease('a', 'dead', { expiresAt: NOW - 1 }), lease('b', 'dead', { expiresAt: NOW - 1 })];
    expect(ids(balancer.choose(input('w1', all)).take)).toEqual(['a', 'b']);
  });

  it('asks the most loaded live worker for one lease when nothing is free', () => {
    const all = [lease('a', 'w2'), lease('b', 'w2'), lease('c', 'w2'), lease('d', 'w3')];
    const plan = balancer.choose(input('w1', all));
    expect(plan.take).toEqual([]);
    expect(plan.requestHandoff).toHaveLength(1);
    expect(plan.requestHandoff[0].owner).toBe('w2');
  });

  it('settles 4 shards over 3 workers at 2-1-1 without asking further', () => {
    const all = [lease('a', 'w2'), lease('b', 'w2'), lease('c', 'w3'), lease('d', 'w1')];
    expect(balancer.choose(input('w1', all))).toEqual({ take: [], requestHandoff: [] });
    expect(balancer.choose(input('w3', all))).toEqual({ take: [], requestHandoff: [] });
  });

  it('does not ask twice: a standing request counts as its own', () => {
    const all = [lease('a', 'w2', { pendingOwner: 'w1' }), lease('b', 'w2'), lease('c', 'w2'), lease('d', 'w2')];
    // Share of two; one already asked for: it asks for one more, never the one already asked.
    const plan = balancer.choose(input('w1', all));
    expect(ids(plan.requestHandoff)).toHaveLength(1);
    expect(plan.requestHandoff[0].shardId).not.toBe('a');
    const asked = all.map((l) => (l.shardId === 'b' ? { ...l, pendingOwner: 'w1' } : l));
    expect(balancer.choose(input('w1', asked)).requestHandoff).toEqual([]);
  });

  it('always takes a lease handed over to it', () => {
    const all = [lease('a', 'w1', { counter: 9 }), lease('b', 'w2')];
    const available = [all[0]];
    expect(balancer.choose({ workerId: 'w1', available, all, held: 0, now: NOW }).take).toEqual([all[0]]);
  });

  it('ignores finished shards when computing the share', () => {
    const all = [lease('a', undefined, { checkpoint: SHARD_END }), lease('b', 'w2'), lease('c')];
    expect(ids(balancer.choose(input('w1', all)).take)).toEqual(['c']);
  });

  it('asks for at most maxHandoffRequestsPerSync leases per sync', () => {
    const all = Array.from({ length: 8 }, (_, i) => lease(`s${i}`, 'w2'));
    expect(new FairShareLeaseBalancer({ maxHandoffRequestsPerSync: 3 }).choose(input('w1', all)).requestHandoff).toHaveLength(3);
  });
});

describe('TakeAllAvailableLeases', () => {
  it('takes everything available and asks for nothing', () => {
    const all = [lease('a'), lease('b', 'w2')];
    expect(new TakeAllAvailableLeases().choose(input('w1', all))).toEqual({ take: [all[0]], requestHandoff: [] });
  });
});
