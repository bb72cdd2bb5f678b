import { CHECKPOINT_TRIM_HORIZON, checkpointAtTimestamp } from '../server/starting-point';
import type { LeaseManager } from './lease.manager';

/** From where a replay reads the stream again. */
export type ReplayFrom = { trimHorizon: true } | { timestamp: Date };

/** What a replay request did, shard by shard. */
export interface ReplaySummary {
  checkpoint: string;
  /** Shards nobody held: their checkpoint moved at once. */
  applied: string[];
  /** Shards a live worker holds: it moves the checkpoint after its in-flight records. */
  requested: string[];
}

/**
 * Resets every shard's checkpoint of one consumer (the lease table of `manager`'s stream) so
 * that the workers read again what the stream still holds from `from` on — after a bug fix,
 * say. It goes through the leases, not around them, so it is safe while workers run: a held
 * lease gets a request its holder applies between records (see `ShardSupervisor`), a free
 * one is written conditionally on its counter and retried when a worker took it meanwhile.
 * Idempotent handlers make the repeated records harmless.
 */
export async function requestReplay(manager: LeaseManager, from: ReplayFrom, maxRounds = 5): Promise<ReplaySummary> {
  const checkpoint = 'trimHorizon' in from ? CHECKPOINT_TRIM_HORIZON : checkpointAtTimestamp(from.timestamp);
  const summary: ReplaySummary = { checkpoint, applied: [], requested: [] };
  const pending = new Set((await manager.list()).map((lease) => lease.shardId));
  for (let round = 0; round < maxRounds && pending.size > 0; round++) {
    for (const lease of await manager.list()) {
      if (!pending.has(lease.shardId)) continue;
      const outcome = await manager.requestReset(lease, checkpoint);
      if (outcome === 'raced') continue; // read the lease again next round
      summary[outcome].push(lease.shardId);
      pending.delete(lease.shardId);
    }
  }
  if (pending.size > 0) throw new Error(`replay: leases kept changing, not reset: ${[...pending].join(', ')}`);
  return summary;
}
