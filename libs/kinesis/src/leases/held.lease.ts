import type { Lease } from './lease';
import type { LeaseManager } from './lease.manager';

/**
 * A lease this worker holds. Renewal bumps the counter that checkpoints are conditional
 * on, so the writes on one lease run one at a time: a checkpoint never races a renewal
 * and fails for a lease that is still ours.
 */
export class HeldLease {
  private queue: Promise<unknown> = Promise.resolve();
  private released = false;

  constructor(
    private readonly manager: LeaseManager,
    private current: Lease,
  ) {}

  get shardId(): string {
    return this.current.shardId;
  }

  get checkpointValue(): string | undefined {
    return this.current.checkpoint;
  }

  /** When the checkpointed record reached the stream (epoch ms), if known. */
  get checkpointArrivalMs(): number | undefined {
    return this.current.checkpointArrivalMs;
  }

  get expiresAt(): number {
    return this.current.expiresAt;
  }

  /** A checkpoint an operator asked for (replay), seen at the last renewal, if any. */
  get resetRequested(): string | undefined {
    return this.current.resetTo;
  }

  /** Moves the checkpoint where the operator asked. @throws LeaseLostError */
  applyReset(): Promise<void> {
    return this.exclusive(async () => {
      this.current = await this.manager.applyReset(this.current);
    });
  }

  /** The worker that asked for this lease (seen at the last renewal), if any. */
  get requestedBy(): string | undefined {
    return this.current.pendingOwner;
  }

  /** @throws LeaseLostError */
  renew(): Promise<void> {
    return this.exclusive(async () => {
      if (this.released) return;
      this.current = await this.manager.renew(this.current);
    });
  }

  /** @param arrivalMs when the checkpointed record reached the stream @throws LeaseLostError */
  checkpoint(checkpoint: string, arrivalMs?: number): Promise<void> {
    return this.exclusive(async () => {
      this.current = await this.manager.checkpoint(this.current, checkpoint, arrivalMs);
    });
  }

  release(): Promise<void> {
    return this.exclusive(async () => {
      if (this.released) return;
      await this.manager.release(this.current);
      this.released = true;
    });
  }

  /** Passes the lease to the worker that asked for it (after the last checkpoint). */
  handOver(): Promise<void> {
    return this.exclusive(async () => {
      if (this.released) return;
      await this.manager.handOver(this.current);
      this.released = true;
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
