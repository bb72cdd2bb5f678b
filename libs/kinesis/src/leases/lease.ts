/** The checkpoint of a shard that was read to its end (closed by a split or merge). */
export const SHARD_END = 'SHARD_END';

/** One row of the lease table (HASH key `lease_key` = `<streamName>/<shardId>`), as read. */
export interface Lease {
  leaseKey: string;
  shardId: string;
  /** The worker holding it; absent when free. */
  owner?: string;
  /** Fencing token: grows on every take, renewal and release. */
  counter: number;
  /** Epoch ms after which another worker may take it. */
  expiresAt: number;
  /** Last sequence number handled, or {@link SHARD_END}; absent before the first record. */
  checkpoint?: string;
  /**
   * When the checkpointed record reached the stream (epoch ms), if known: a reader resuming
   * from a checkpoint older than the stream's retention knows records after it were trimmed.
   */
  checkpointArrivalMs?: number;
  parentShardIds: string[];
  /**
   * A worker below its fair share asked for this lease: the holder finishes what it is doing,
   * checkpoints, and hands the lease over to it (see `LeaseManager.requestHandoff`).
   */
  pendingOwner?: string;
  /**
   * An operator asked to move this shard's checkpoint (replay, see `LeaseManager.requestReset`):
   * the holder stops after its in-flight records, applies it, and reads on from there.
   */
  resetTo?: string;
}

/** The table's attribute names, in one place. */
export const LeaseAttributes = {
  key: 'lease_key',
  shardId: 'shard_id',
  owner: 'lease_owner',
  counter: 'lease_counter',
  expiresAt: 'lease_expires_at',
  checkpoint: 'checkpoint',
  checkpointArrival: 'checkpoint_arrival_ms',
  parents: 'parent_shard_ids',
  pendingOwner: 'lease_pending_owner',
  resetTo: 'reset_to',
} as const;
