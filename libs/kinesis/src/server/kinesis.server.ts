import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { HeldLease } from '../leases/held.lease';
import { LeaseManager } from '../leases/lease.manager';
import { describeError, isMissingResource } from './aws-errors';
import { Backoff } from '@lib/group-commit';
import { systemClock, type Clock } from './clock';
import { KinesisStatus, type KinesisEvents } from './kinesis.events';
import { KinesisHandlersServer } from './kinesis-handlers.server';
import {
  resolveServerKinesisOptions,
  type ResolvedServerKinesisOptions,
  type ServerKinesisOptions,
} from './kinesis-server.options';
import { AdaptiveWindow, FixedWindow } from './concurrency.window';
import { RecordProcessor } from './record.processor';
import { ShardConsumer } from './shard.consumer';
import { ShardSupervisor, type ShardState } from './shard.supervisor';

export { KINESIS_TRANSPORT } from './kinesis-handlers.server';

/**
 * A Nest transport strategy that reads a Kinesis stream: each shard this worker leases is
 * read in order and each record goes to the `@EventPattern` handler of its packet's
 * pattern; the checkpoint moves only after the handler finished. Several workers share the
 * shards through leases in DynamoDB.
 *
 * ```ts
 * const app = await NestFactory.createMicroservice(WorkerModule, { strategy: new ServerKinesis({...}) });
 * await app.listen();
 * ```
 */
export class ServerKinesis extends KinesisHandlersServer {
  protected override readonly logger = new Logger(ServerKinesis.name);
  private readonly emitter = new EventEmitter();
  private readonly troubled = new Set<string>();
  private readonly crashes: Array<{ shardId: string; error: string; at: string }> = [];
  private supervisor?: ShardSupervisor;
  private closed?: Promise<void>;
  /** The stream's retention in ms, once read (DescribeStreamSummary); see ShardConsumer's trimmed-gap check. */
  private retentionMs?: number;
  private retentionReadAt = Number.NEGATIVE_INFINITY;

  /** @param clock for tests only: virtual time for the loops. */
  constructor(
    private readonly options: ServerKinesisOptions,
    private readonly clock: Clock = systemClock,
  ) {
    super();
    this._status$.next(KinesisStatus.DISCONNECTED);
  }

  /**
   * Validates the options and runs a first shard sync; a set-up error (bad options, missing
   * stream or lease table) goes to `callback`. An outage does not: the loops wait it out.
   */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const options = resolveServerKinesisOptions(this.options);
      this.supervisor = this.createSupervisor(options);
      await this.readRetention(options);
      const synced = await this.firstSync(this.supervisor);
      this.supervisor.start(!synced);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops reading, lets in-flight handlers finish and checkpoint, then releases the leases. */
  async close(): Promise<void> {
    this.closed ??= (async () => {
      await this.supervisor?.stop();
      this._status$.next(KinesisStatus.DISCONNECTED);
    })();
    return this.closed;
  }

  on<K extends keyof KinesisEvents = keyof KinesisEvents, C extends KinesisEvents[K] = KinesisEvents[K]>(
    event: K,
    callback: C,
  ): this {
    this.emitter.on(event, callback as (...args: unknown[]) => void);
    return this;
  }

  /** The `KinesisClient` the server reads with. */
  unwrap<T = KinesisClient>(): T {
    return this.options.kinesis as T;
  }

  /** The shards this worker currently leases and reads. */
  get heldShardIds(): string[] {
    return this.supervisor?.heldShardIds ?? [];
  }

  /** Each shard this worker reads, with how far behind its tip it is (for health and metrics). */
  get shards(): ShardState[] {
    return this.supervisor?.shardStates ?? [];
  }

  /** Consumers that crashed since start (a bug): a worker with any is not healthy. */
  get crashedConsumers(): ReadonlyArray<{ shardId: string; error: string; at: string }> {
    return this.crashes;
  }

  /** @returns whether it worked; throws only for set-up errors. */
  private async firstSync(supervisor: ShardSupervisor): Promise<boolean> {
    try {
      await supervisor.sync();
      this._status$.next(KinesisStatus.CONNECTED);
      return true;
    } catch (error) {
      if (isMissingResource(error)) throw error;
      this.logger.warn(`first shard sync failed, will retry: ${describeError(error)}`);
      this.health('sync', false, error);
      return false;
    }
  }

  private createSupervisor(options: ResolvedServerKinesisOptions): ShardSupervisor {
    const backoff = new Backoff(options.retryBackoff);
    const leases = new LeaseManager({
      ...options.leases,
      streamName: options.streamName,
      now: () => this.clock.now(),
    });
    const base = { backoff, clock: this.clock, logger: this.logger, streamName: options.streamName };
    return new ShardSupervisor({
      ...base,
      kinesis: options.kinesis,
      leases,
      takingStrategy: options.leases.takingStrategy,
      leaseDurationMs: options.leases.leaseDurationMs,
      shardSyncIntervalMs: options.shardSyncIntervalMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      createConsumer: (lease, onProgress) => this.createConsumer(lease, onProgress, options, base),
      onHealth: (component, healthy) => this.health(component, healthy),
      onLeaseAcquired: (shardId) => this.emit('lease-acquired', shardId),
      onLeaseLost: (shardId) => this.emit('lease-lost', shardId),
      onShardEnd: (shardId) => this.emit('shard-end', shardId),
      onCrash: (shardId, error) => {
        this.crashes.push({ shardId, error: describeError(error), at: new Date(this.clock.now()).toISOString() });
        this.emit('crashed', shardId, error);
        this._status$.next(KinesisStatus.CRASHED);
      },
    });
  }

  /**
   * Reads the stream's retention, at start and then at most hourly (when a shard is taken):
   * it changes rarely, and not knowing it only delays the trimmed-gap report. Never fails.
   */
  private async readRetention(options: ResolvedServerKinesisOptions): Promise<void> {
    if (this.clock.now() - this.retentionReadAt < 3_600_000) return;
    this.retentionReadAt = this.clock.now();
    try {
      const described = await options.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: options.streamName }));
      const hours = described?.StreamDescriptionSummary?.RetentionPeriodHours;
      if (hours) this.retentionMs = hours * 3_600_000;
    } catch (error) {
      this.retentionReadAt = Number.NEGATIVE_INFINITY;
      this.logger.warn(`stream retention not read (trimmed records are reported once it is): ${describeError(error)}`);
    }
  }

  private createConsumer(
    lease: HeldLease,
    onProgress: (lagMs: number) => void,
    options: ResolvedServerKinesisOptions,
    base: { backoff: Backoff; clock: Clock; logger: Logger; streamName: string },
  ): ShardConsumer {
    void this.readRetention(options);
    const processor = new RecordProcessor({
      ...base,
      shardId: lease.shardId,
      hasHandler: (pattern) => this.hasHandler(pattern),
      dispatch: (packet, context) => this.dispatch(packet, context),
      deadLetters: options.deadLetters,
      maxAttempts: options.maxAttempts,
      maxRecordAgeMs: options.maxRecordAgeMs,
      unknownPatternPolicy: options.unknownPatternPolicy,
      onDeadLetter: (letter) => this.emit('dead-letter', letter),
    });
    return new ShardConsumer({
      ...base,
      kinesis: options.kinesis,
      lease,
      processor,
      idleTimeBetweenReadsMs: options.idleTimeBetweenReadsMs,
      maxRecordsPerCall: options.maxRecordsPerCall,
      window: options.maxConcurrentRecordsPerShard === 'auto' ? new AdaptiveWindow() : new FixedWindow(options.maxConcurrentRecordsPerShard),
      checkpointIntervalMs: options.checkpointIntervalMs,
      drainTimeoutMs: options.drainTimeoutMs,
      onHealth: (healthy, error) => this.health(`shard:${lease.shardId}`, healthy, error),
      onProgress,
      retentionMs: () => this.retentionMs,
      onGap: (gap) => this.emit('records-trimmed', gap),
    });
  }

  private health(component: string, healthy: boolean, error?: unknown): void {
    if (healthy) this.troubled.delete(component);
    else this.troubled.add(component);
    if (error !== undefined) this.emit('error', error);
    if (this.closed || this.crashes.length > 0) return;
    this._status$.next(this.troubled.size > 0 ? KinesisStatus.RECONNECTING : KinesisStatus.CONNECTED);
  }

  private emit<K extends keyof KinesisEvents>(event: K, ...args: Parameters<KinesisEvents[K]>): void {
    // An EventEmitter throws on an 'error' nobody listens to; here events are only news.
    if (this.emitter.listenerCount(event) > 0) this.emitter.emit(event, ...args);
  }
}
