import type { Lease } from './lease';

/** What a worker knows when it decides which available leases to take. */
export interface LeaseTakingInput {
  workerId: string;
  /** Leases free or expired, whose shards are ready to be read (parents finished). */
  available: Lease[];
  /** Every lease of the stream, for strategies that balance against other workers. */
  all: Lease[];
  /** How many leases this worker already holds. */
  held: number;
}

/**
 * Chooses which available leases a worker takes on each shard sync. The seam for fair-share
 * balancing and lease stealing.
 */
export interface LeaseTakingStrategy {
  choose(input: LeaseTakingInput): Lease[];
}

/** Takes every available lease: right for a single worker, greedy for several. */
export class TakeAllAvailableLeases implements LeaseTakingStrategy {
  choose({ available }: LeaseTakingInput): Lease[] {
    return available;
  }
}
