import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import type { LoggerService } from '@nestjs/common';
import { LeaseLostError } from '../errors/lease-lost.error';
import { HeldLease } from '../leases/held.lease';
import { SHARD_END, type Lease } from '../leases/lease';
import type { LeaseManager } from '../leases/lease.manager';
import type { LeaseTakingStrategy } from '../leases/lease-taking.strategy';
import { describeError } from './aws-errors';
import type { Backoff } from '@lib/group-commit';
import type { Clock } from './clock';
import type { ShardConsumer, ShardExit } from './shard.consumer';
import { listShards, parentsOf } from './shard.lister';

export interface ShardSupervisorDeps {
  kinesis: KinesisClient;
  streamName: string;
  leases: LeaseManager;
  takingStrategy: LeaseTakingStrategy;
  leaseDurationMs: number;
  shardSyncIntervalMs: number;
  /** How long `stop()` waits for in-flight handlers. */
  shutdownTimeoutMs: number;
  createConsumer(lease: HeldLease, onProgress: (lagMs: number) => void): ShardConsumer;
  backoff: Backoff;
  clock: Clock;
  logger: LoggerService;
  onHealth(component: string, healthy: boolean): void;
  onLeaseAcquired(shardId: string): void;
  onLeaseLost(shardId: string): void;
  onShardEnd(shardId: string): void;
  /** A consumer failed in a way it could not handle (a bug): loud, never an idle look-alike. */
  onCrash(shardId: string, error: unknown): void;
}

/** What this worker does with one shard, for health endpoints and metrics. */
export interface ShardState {
  shardId: string;
  /** How far behind the shard's tip the last read was, in ms (undefined before the first read). */
  lagMs?: number;
  /** The lease's checkpoint as this worker last wrote or read it. */
  checkpoint?: string;
}

interface RunningShard {
  lease: HeldLease;
  lagMs?: number;
  /** Replaced after a reset, when the consumer runs again. */
  controller: AbortController;
  lost: boolean;
  /** Another worker asked for the lease: stop reading, then hand it over. */
  handingOver: boolean;
  /** An operator asked for a new checkpoint: stop reading, apply it, read on from there. */
  resetting: boolean;
  done: Promise<void>;
}

/**
 * Keeps one consumer running per shard this worker leases: discovers shards, creates and
 * takes leases, renews them, starts children once their parents are finished, and on
 * `stop()` winds everything down and gives the leases back.
 */
export class ShardSupervisor {
  private readonly running = new Map<string, RunningShard>();
  private readonly syncStop = new AbortController();
  private readonly renewStop = new AbortController();
  private wake = new AbortController();
  private loops: Promise<void>[] = [];
  private closing = false;

  constructor(private readonly deps: ShardSupervisorDeps) {}

  get heldShardIds(): string[] {
    return [...this.running.keys()];
  }

  get shardStates(): ShardState[] {
    return [...this.running.values()].map((shard) => ({
      shardId: shard.lease.shardId,
      lagMs: shard.lagMs,
      checkpoint: shard.lease.checkpointValue,
    }));
  }

  /**
   * Starts the sync and renewal loops after a first `sync()` by the caller; when that one
   * failed, the next comes after a backoff rather than a whole sync interval.
   */
  start(firstSyncFailed = false): void {
    this.loops = [this.syncLoop(firstSyncFailed ? 1 : 0), this.renewLoop()];
  }

  /** One pass: discover shards, create missing leases, take the chosen ones, start them. */
  async sync(): Promise<void> {
    const shards = await listShards(this.deps.kinesis, this.deps.streamName);
    let leases = await this.deps.leases.list();
    const known = new Set(leases.map((lease) => lease.shardId));
    const missing = shards.filter((shard) => !known.has(shard.ShardId!));
    for (const shard of missing) await this.deps.leases.create(shard.ShardId!, parentsOf(shard));
    if (missing.length > 0) leases = await this.deps.leases.list();

    const plan = this.deps.takingStrategy.choose({
      workerId: this.deps.leases.workerId,
      available: this.availableLeases(shards, leases),
      all: leases,
      held: this.running.size,
      now: this.deps.clock.now(),
    });
    for (const seen of plan.take) {
      if (this.closing) return;
      const taken = await this.deps.leases.take(seen);
      if (taken) this.launch(new HeldLease(this.deps.leases, taken));
    }
    for (const lease of plan.requestHandoff) {
      if (this.closing) return;
      if (await this.deps.leases.requestHandoff(lease)) {
        this.deps.logger.log(`${lease.shardId}: asked ${lease.owner} to hand its lease over (balancing)`);
        this.syncSoon();
      }
    }
  }

  /**
   * Stops every consumer (in-flight handlers finish and checkpoint), then releases leases.
   * Waits at most `shutdownTimeoutMs` for handlers: a hung one is left behind (its lease is
   * no longer renewed, so it expires and another worker takes over) rather than holding the
   * process past its orchestrator's kill deadline.
   */
  async stop(): Promise<void> {
    this.closing = true;
    this.syncStop.abort();
    await this.loops[0];
    for (const shard of this.running.values()) shard.controller.abort();
    const stopped = Promise.all([...this.running.values()].map((shard) => shard.done)).then(() => true);
    const timeUp = new AbortController();
    const inTime = await Promise.race([stopped, this.deps.clock.sleep(this.deps.shutdownTimeoutMs, timeUp.signal).then(() => false)]);
    timeUp.abort();
    if (!inTime) {
      this.deps.logger.warn(`stopped waiting for ${this.heldShardIds.join(', ')} after ${this.deps.shutdownTimeoutMs} ms; their leases will expire`);
    }
    this.renewStop.abort();
    await Promise.all(this.loops);
  }

  private availableLeases(shards: Shard[], leases: Lease[]): Lease[] {
    const listed = new Set(shards.map((shard) => shard.ShardId!));
    const byShard = new Map(leases.map((lease) => [lease.shardId, lease]));
    // A parent is finished when read to its end, or trimmed away (nothing left to read).
    const finished = (id: string) => byShard.get(id)?.checkpoint === SHARD_END || !listed.has(id);
    return shards
      .map((shard) => ({ shard, lease: byShard.get(shard.ShardId!) }))
      .filter(({ shard, lease }) =>
        lease !== undefined &&
        lease.checkpoint !== SHARD_END &&
        !this.running.has(shard.ShardId!) &&
        this.deps.leases.isAvailable(lease) &&
        parentsOf(shard).every(finished),
      )
      .map(({ lease }) => lease!);
  }

  private launch(lease: HeldLease): void {
    const controller = new AbortController();
    const shard: RunningShard = { lease, controller, lost: false, handingOver: false, resetting: false, done: Promise.resolve() };
    this.running.set(lease.shardId, shard);
    this.deps.onLeaseAcquired(lease.shardId);
    shard.done = this.consume(shard).catch((error) => this.crashed(shard, error));
  }

  /** Runs the shard's consumer; after an operator's reset (replay), runs it again from there. */
  private async consume(shard: RunningShard): Promise<void> {
    for (;;) {
      if (shard.lease.resetRequested !== undefined) {
        const reset = shard.lease.resetRequested;
        try {
          await shard.lease.applyReset();
          this.deps.logger.log(`${shard.lease.shardId}: checkpoint reset to ${reset} (replay)`);
        } catch (error) {
          if (error instanceof LeaseLostError) return this.finish(shard, 'lease-lost');
          // The request stays on the lease: the next renewal sees it and tries again.
          this.deps.logger.warn(`${shard.lease.shardId}: replay reset not applied yet: ${describeError(error)}`);
        }
      }
      const exit = await this.deps.createConsumer(shard.lease, (lagMs) => (shard.lagMs = lagMs)).run(shard.controller.signal);
      if (shard.resetting && exit === 'stopped' && !shard.lost && !this.closing) {
        shard.resetting = false;
        shard.controller = new AbortController();
        continue;
      }
      return this.finish(shard, exit);
    }
  }

  /**
   * A consumer threw instead of returning (a bug, not an outage: those are waited out).
   * Its lease is given back so the shard does not stall behind a renewed lease, and the
   * server is told, so health turns red rather than the worker idling as if all were well.
   */
  private async crashed(shard: RunningShard, error: unknown): Promise<void> {
    this.deps.logger.error(`${shard.lease.shardId}: consumer crashed: ${describeError(error)}`);
    await this.releaseQuietly(shard.lease);
    this.running.delete(shard.lease.shardId);
    this.deps.onCrash(shard.lease.shardId, error);
  }

  private async finish(shard: RunningShard, exit: ShardExit): Promise<void> {
    const shardId = shard.lease.shardId;
    this.deps.onHealth(`shard:${shardId}`, true);
    if (exit === 'lease-lost' || shard.lost) {
      this.running.delete(shardId);
      this.deps.onLeaseLost(shardId);
      return;
    }
    if (shard.handingOver && exit === 'stopped') await this.handOverQuietly(shard.lease);
    else await this.releaseQuietly(shard.lease);
    this.running.delete(shardId);
    if (exit === 'shard-end') {
      this.deps.onShardEnd(shardId);
      this.wake.abort(); // its children may start now rather than at the next sync
    }
  }

  /**
   * After asking for a handoff: the holder sees the request at its next renewal (within a third
   * of the lease duration) and hands the lease over with a fresh expiry; syncing again just
   * after that takes it well before it expires, whatever the sync interval. Without this, a
   * lease shorter than the sync interval expired first and was taken by someone else.
   */
  private syncSoon(): void {
    const delay = Math.min(this.deps.shardSyncIntervalMs, Math.ceil(this.deps.leaseDurationMs / 3) + 500);
    const timer = setTimeout(() => this.wake.abort(), delay);
    timer.unref?.();
  }

  private async syncLoop(failures: number): Promise<void> {
    const signal = this.syncStop.signal;
    for (;;) {
      const wait = failures > 0 ? this.deps.backoff.delay(failures) : this.deps.shardSyncIntervalMs;
      await this.deps.clock.sleep(wait, AbortSignal.any([signal, this.wake.signal]));
      if (signal.aborted) return;
      this.wake = new AbortController();
      try {
        await this.sync();
        failures = 0;
        this.deps.onHealth('sync', true);
      } catch (error) {
        failures += 1;
        this.deps.logger.warn(`shard sync failed (${failures}), backing off: ${describeError(error)}`);
        this.deps.onHealth('sync', false);
      }
    }
  }

  private async renewLoop(): Promise<void> {
    const signal = this.renewStop.signal;
    while (!signal.aborted) {
      await this.deps.clock.sleep(this.deps.leaseDurationMs / 3, signal);
      if (signal.aborted) return;
      await Promise.all([...this.running.values()].map((shard) => this.renew(shard)));
    }
  }

  private async renew(shard: RunningShard): Promise<void> {
    try {
      await shard.lease.renew();
      this.deps.onHealth('renew', true);
      if (shard.lease.resetRequested !== undefined && !shard.resetting && !shard.handingOver && !this.closing) {
        this.deps.logger.log(`${shard.lease.shardId}: replay requested from ${shard.lease.resetRequested}`);
        shard.resetting = true;
        shard.controller.abort();
      } else if (shard.lease.requestedBy !== undefined && !shard.handingOver && !shard.resetting && !this.closing) {
        // Every handled record is checkpointed, so stopping here loses and repeats nothing.
        this.deps.logger.log(`${shard.lease.shardId}: handing the lease over to ${shard.lease.requestedBy} (balancing)`);
        shard.handingOver = true;
        shard.controller.abort();
      }
    } catch (error) {
      // Past its expiry another worker may already read the shard: stop, do not checkpoint.
      const expired = this.deps.clock.now() >= shard.lease.expiresAt;
      if (error instanceof LeaseLostError || expired) {
        this.deps.logger.warn(`${shard.lease.shardId}: lease lost: ${describeError(error)}`);
        shard.lost = true;
        shard.controller.abort();
        return;
      }
      this.deps.logger.warn(`${shard.lease.shardId}: lease renewal failed, will retry: ${describeError(error)}`);
      this.deps.onHealth('renew', false);
    }
  }

  private async handOverQuietly(lease: HeldLease): Promise<void> {
    try {
      await lease.handOver();
    } catch (error) {
      // The asker takes it over once it expires.
      this.deps.logger.warn(`${lease.shardId}: lease not handed over: ${describeError(error)}`);
    }
  }

  private async releaseQuietly(lease: HeldLease): Promise<void> {
    try {
      await lease.release();
    } catch (error) {
      // It expires by itself; another worker takes it then.
      this.deps.logger.warn(`${lease.shardId}: lease not released: ${describeError(error)}`);
    }
  }
}
