import { SHARD_END, type Lease } from './lease';

/** What a worker knows when it decides which leases to take. */
export interface LeaseTakingInput {
  workerId: string;
  /** Leases free, expired or handed over to this worker, whose shards may be read now (parents finished). */
  available: Lease[];
  /** Every lease of the stream, for strategies that balance against other workers. */
  all: Lease[];
  /** How many leases this worker is reading now. */
  held: number;
  /** Epoch ms, to tell live holders from expired ones. */
  now: number;
}

/** What to do on this sync. */
export interface LeaseTakingPlan {
  /** Available leases to take now (conditional writes; a lost race is simply skipped). */
  take: Lease[];
  /** Leases of live, overloaded workers to ask for: they hand them over after a checkpoint. */
  requestHandoff: Lease[];
}

/** Chooses, on each shard sync, which leases a worker takes and which it asks others for. */
export interface LeaseTakingStrategy {
  choose(input: LeaseTakingInput): LeaseTakingPlan;
}

/** Takes every available lease and never asks for more: right for a single worker. */
export class TakeAllAvailableLeases implements LeaseTakingStrategy {
  choose({ available }: LeaseTakingInput): LeaseTakingPlan {
    return { take: available, requestHandoff: [] };
  }
}

/** Options of {@link FairShareLeaseBalancer}. */
export interface FairShareOptions {
  /** Handoffs one worker asks for per sync, so a newcomer ramps up without a stampede. Default 1. */
  maxHandoffRequestsPerSync?: number;
}

/**
 * Balances leases to a fair share, in the manner of the Kinesis Client Library: the workers
 * are those holding an unexpired lease, plus this one; each aims at `ceil(open leases /
 * workers)`. A worker takes free and expired leases up to its share. When none are free and
 * it holds at least two fewer than the most loaded worker, it asks that worker for one lease
 * (at most `maxHandoffRequestsPerSync` per sync); the holder checkpoints and hands it over
 * (graceful: nothing is read twice). Expired leases are the only ones ever taken by force.
 * Asking only across a gap of two keeps the balance stable: 4 shards over 3 workers settle
 * at 2-1-1, never flapping.
 */
export class FairShareLeaseBalancer implements LeaseTakingStrategy {
  private readonly maxHandoffRequests: number;

  constructor(options: FairShareOptions = {}) {
    this.maxHandoffRequests = options.maxHandoffRequestsPerSync ?? 1;
  }

  choose({ workerId, available, all, held, now }: LeaseTakingInput): LeaseTakingPlan {
    const open = all.filter((lease) => lease.checkpoint !== SHARD_END);
    const live = (lease: Lease) => lease.owner !== undefined && lease.expiresAt > now;
    const load = new Map<string, Lease[]>([[workerId, []]]);
    for (const lease of open.filter(live)) load.set(lease.owner!, [...(load.get(lease.owner!) ?? []), lease]);
    // Leases handed over to this worker are its own already: always taken. Those it asked
    // for and not yet received count as its own too, so it does not ask twice.
    const handedOver = available.filter((lease) => lease.owner === workerId);
    const free = available.filter((lease) => lease.owner !== workerId);
    const asked = open.filter((lease) => lease.pendingOwner === workerId && lease.owner !== workerId).length;
    const mine = held + handedOver.length + asked;
    const target = Math.ceil(open.length / load.size);

    const take = [...handedOver, ...free.slice(0, Math.max(0, target - mine))];
    if (take.length > handedOver.length || mine >= target) return { take, requestHandoff: [] };

    const requestHandoff: Lease[] = [];
    let count = mine;
    const others = [...load.entries()].filter(([owner]) => owner !== workerId).map(([, leases]) => [...leases]);
    while (requestHandoff.length < this.maxHandoffRequests) {
      const richest = others.sort((a, b) => b.length - a.length)[0];
      if (richest === undefined || richest.length < count + 2) break;
      const index = richest.findIndex((lease) => lease.pendingOwner === undefined);
      if (index < 0) break;
      requestHandoff.push(richest.splice(index, 1)[0]);
      count++;
    }
    return { take, requestHandoff };
  }
}
