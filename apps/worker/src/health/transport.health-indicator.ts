import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { KinesisStatus, ServerKinesis } from '@lib/kinesis';

/**
 * The Kinesis transport as health sees it: the shards this worker holds, with how far each is
 * behind its tip (from arrival times: the local Kinesis reports no lag of its own), and
 * whether a consumer crashed. A crashed consumer makes liveness fail, so the orchestrator
 * restarts the task rather than leaving a healthy-looking idle process.
 */
@Injectable()
export class TransportHealthIndicator {
  private status: KinesisStatus = KinesisStatus.DISCONNECTED;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly transport: ServerKinesis,
  ) {
    transport.status.subscribe((status) => (this.status = status));
  }

  /** Liveness: down only when a consumer crashed (an outage is waited out, not restarted). */
  alive<const K extends string>(key: K): HealthIndicatorResult<K> {
    const crashed = this.transport.crashedConsumers;
    const indicator = this.health.check(key);
    return crashed.length === 0 ? indicator.up() : indicator.down({ transport: this.status, crashed: [...crashed] });
  }

  /** Readiness: the transport's status, its leases and the lag of each shard. */
  leases<const K extends string>(key: K): HealthIndicatorResult<K> {
    const shards = this.transport.shards.map(({ shardId, lagMs, checkpoint }) => ({ shardId, lagMs: lagMs ?? null, checkpoint: checkpoint ?? null }));
    const details = { transport: this.status, leases: shards.length, shards };
    const indicator = this.health.check(key);
    return this.status === KinesisStatus.CONNECTED ? indicator.up(details) : indicator.down(details);
  }
}
