import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetRecordsCommandOutput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { LoggerService } from '@nestjs/common';
import { LeaseLostError } from '../errors/lease-lost.error';
import type { HeldLease } from '../leases/held.lease';
import { SHARD_END } from '../leases/lease';
import { describeError, isExpiredIterator } from './aws-errors';
import type { Backoff } from '@lib/group-commit';
import type { Clock } from './clock';
import type { ConcurrencyWindow } from './concurrency.window';
import { userRecordsOf, type ShardPosition } from '../aggregation/user-records';
import { iteratorPositionOf, startingPointOf } from './starting-point';
import { PageRunner } from './page.runner';
import type { RecordProcessor } from './record.processor';

/** Kinesis allows 5 GetRecords calls per second per shard. */
export const MIN_GET_RECORDS_INTERVAL_MS = 200;

/** Why a shard's loop ended. */
export type ShardExit = 'shard-end' | 'stopped' | 'lease-lost';

export interface ShardConsumerDeps {
  kinesis: KinesisClient;
  streamName: string;
  lease: HeldLease;
  processor: RecordProcessor;
  idleTimeBetweenReadsMs: number;
  maxRecordsPerCall: number;
  /** How many records of the shard are in flight at once, across partition keys (size 1: strictly one by one). */
  window: ConcurrencyWindow;
  /** How often the checkpoint moves during a page; it always moves at the page's end. */
  checkpointIntervalMs: number;
  /** On a stop, how long records already let in get to finish. */
  drainTimeoutMs: number;
  backoff: Backoff;
  clock: Clock;
  logger: LoggerService;
  /** Told after each failed and each successful AWS call, for the server's status. */
  onHealth?(healthy: boolean, error?: unknown): void;
  /** Told after each GetRecords how far behind the shard's tip the reader is, in ms. */
  onProgress?(lagMs: number): void;
  /**
   * How long the stream keeps records (its retention), in ms, when known: a checkpoint whose
   * record arrived longer ago than that means records after it were trimmed unread.
   */
  retentionMs?: () => number | undefined;
  /** Told when records after the checkpoint were trimmed before this worker read them. */
  onGap?(gap: TrimmedGap): void;
}

/** Records of a shard that left the stream (retention) before any worker read them. */
export interface TrimmedGap {
  shardId: string;
  /** The checkpointed record's arrival: what arrived after it… */
  fromMs: number;
  /** …and before the stream's trim horizon (now − retention) is gone. */
  toMs: number;
}

/**
 * Reads one leased shard in order, from its checkpoint, until the shard ends, the lease is
 * lost or `signal` aborts. AWS failures are waited out with backoff: the loop never dies.
 */
export class ShardConsumer {
  private iterator: string | undefined;
  /** Set from a checkpoint inside a KPL aggregate: its user records up to there are done. */
  private resumeAfter: ShardPosition | undefined;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  /** The checkpoint arrival a trimmed gap was last reported for. */
  private reportedGapFrom: number | undefined;

  constructor(private readonly deps: ShardConsumerDeps) {}

  get shardId(): string {
    return this.deps.lease.shardId;
  }

  async run(signal: AbortSignal): Promise<ShardExit> {
    // A read-ahead still waiting when the loop ends is called off: no read after the exit.
    const exited = new AbortController();
    try {
      return await this.loop(signal, AbortSignal.any([signal, exited.signal]));
    } finally {
      exited.abort();
    }
  }

  private async loop(signal: AbortSignal, readAheadSignal: AbortSignal): Promise<ShardExit> {
    /** The next page, asked for while the current one is handled (read-ahead). */
    let next: Promise<GetRecordsCommandOutput> | undefined;
    while (!signal.aborted) {
      try {
        const page = await (next ?? this.read(signal));
        next = undefined;
        this.healthy();
        this.deps.onProgress?.(this.lagOf(page));
        this.iterator = page.NextShardIterator;
        // A page with records is likely followed by more: read the next one while this one is
        // handled (read() keeps the 5 calls/s/shard pace). A stop or a lost lease leaves it
        // unread, and it is never handled before this page is done and checkpointed.
        if (page.Records?.length && page.NextShardIterator) next = this.readAhead(readAheadSignal);
        if (!(await this.handleAll(page, signal))) return 'stopped';
        if (!page.NextShardIterator) {
          await this.checkpoint(SHARD_END, signal);
          return 'shard-end';
        }
        if (!page.Records?.length) await this.deps.clock.sleep(this.deps.idleTimeBetweenReadsMs, signal);
      } catch (error) {
        next = undefined;
        if (error instanceof LeaseLostError) return 'lease-lost';
        if (signal.aborted) break;
        // Every record handled so far is checkpointed, so a fresh iterator after the
        // checkpoint resumes exactly: nothing replayed, nothing skipped.
        this.iterator = undefined;
        if (isExpiredIterator(error)) continue;
        await this.failed(error, signal);
      }
    }
    return 'stopped';
  }

  /** read(), with its failure kept for whoever awaits it (and no unhandled rejection if nobody does). */
  private readAhead(signal: AbortSignal): Promise<GetRecordsCommandOutput> {
    const page = this.read(signal);
    page.catch(() => undefined);
    return page;
  }

  private async read(signal: AbortSignal): Promise<GetRecordsCommandOutput> {
    this.iterator ??= await this.newIterator(signal);
    const iterator = this.iterator;
    await this.deps.clock.sleep(this.lastCallAt + MIN_GET_RECORDS_INTERVAL_MS - this.deps.clock.now(), signal);
    if (signal.aborted) throw new Error('stopped');
    this.lastCallAt = this.deps.clock.now();
    return this.deps.kinesis.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: this.deps.maxRecordsPerCall }),
      { abortSignal: signal },
    );
  }

  /**
   * Handles the page's user records (KPL aggregates opened up; see {@link PageRunner});
   * false when asked to stop midway.
   */
  private handleAll(page: GetRecordsCommandOutput, signal: AbortSignal): Promise<boolean> {
    const records = userRecordsOf(page.Records ?? [], this.resumeAfter, (record, error) =>
      this.deps.logger.warn(`${this.shardId}/${record.SequenceNumber}: aggregated record does not parse, handled whole: ${describeError(error)}`),
    );
    this.resumeAfter = undefined;
    return new PageRunner(
      records,
      {
        process: (record, recordSignal, releaseSlot) => this.deps.processor.process(record, recordSignal, releaseSlot),
        checkpoint: (position, arrivalMs) => this.checkpoint(position, signal, arrivalMs),
        window: this.deps.window,
        checkpointIntervalMs: this.deps.checkpointIntervalMs,
        drainTimeoutMs: this.deps.drainTimeoutMs,
        clock: this.deps.clock,
      },
      signal,
    ).run();
  }

  private async newIterator(signal: AbortSignal): Promise<string> {
    const start = startingPointOf(this.deps.lease.checkpointValue);
    if (start.kind === 'after') this.reportTrimmedGap();
    this.resumeAfter = start.kind === 'after' ? start.position : undefined;
    const position = iteratorPositionOf(start);
    const result = await this.deps.kinesis.send(
      new GetShardIteratorCommand({ StreamName: this.deps.streamName, ShardId: this.shardId, ...position }),
      { abortSignal: signal },
    );
    if (!result.ShardIterator) throw new Error(`no iterator for shard ${this.shardId}`);
    return result.ShardIterator;
  }

  /**
   * Records the position once the record is done with. It is tried even after a stop was
   * asked for (the record was handled, so its checkpoint should land) but retried only
   * while running; a refused condition means the lease is gone (LeaseLostError).
   */
  private async checkpoint(position: string, signal: AbortSignal, arrivalMs?: number): Promise<void> {
    for (let retry = 1; ; retry++) {
      try {
        await this.deps.lease.checkpoint(position, arrivalMs);
        return;
      } catch (error) {
        if (error instanceof LeaseLostError || signal.aborted) throw error;
        this.deps.logger.warn(`${this.shardId}: checkpoint failed, retrying: ${describeError(error)}`);
        this.deps.onHealth?.(false, error);
        await this.deps.clock.sleep(this.deps.backoff.delay(retry), signal);
      }
    }
  }

  /**
   * Resuming after a checkpoint whose record arrived before the trim horizon: whatever arrived
   * between the two was trimmed before anyone read it, and the iterator silently starts at the
   * oldest record left. Never silent here: an error line naming the shard and the span, and
   * `onGap` (a metric, an alarm). Said once per checkpoint.
   */
  private reportTrimmedGap(): void {
    const arrival = this.deps.lease.checkpointArrivalMs;
    const retention = this.deps.retentionMs?.();
    if (arrival === undefined || retention === undefined || arrival === this.reportedGapFrom) return;
    const trimHorizon = this.deps.clock.now() - retention;
    if (arrival >= trimHorizon) return;
    this.reportedGapFrom = arrival;
    const gap: TrimmedGap = { shardId: this.shardId, fromMs: arrival, toMs: trimHorizon };
    this.deps.logger.error(
      `${this.shardId}: records lost: the checkpoint's record arrived ${new Date(arrival).toISOString()}, ` +
        `before the stream's trim horizon (${new Date(trimHorizon).toISOString()}, retention ${Math.round(retention / 3_600_000)} h); ` +
        `whatever arrived between the two was trimmed unread (${formatSpan(trimHorizon - arrival)}). Reading on from the oldest record left.`,
    );
    this.deps.onGap?.(gap);
  }

  /**
   * How far behind the tip this page is: Kinesis' `MillisBehindLatest` when it reports one;
   * otherwise (kinesalite always says 0) the age of the page's oldest record, and 0 for an
   * empty page (caught up).
   */
  private lagOf(page: GetRecordsCommandOutput): number {
    if (page.MillisBehindLatest) return page.MillisBehindLatest;
    const oldest = page.Records?.[0]?.ApproximateArrivalTimestamp;
    return oldest ? Math.max(0, this.deps.clock.now() - oldest.getTime()) : 0;
  }

  private healthy(): void {
    this.failures = 0;
    this.deps.onHealth?.(true);
  }

  private async failed(error: unknown, signal: AbortSignal): Promise<void> {
    this.failures += 1;
    this.deps.logger.warn(`${this.shardId}: read failed (${this.failures}), backing off: ${describeError(error)}`);
    this.deps.onHealth?.(false, error);
    await this.deps.clock.sleep(this.deps.backoff.delay(this.failures), signal);
  }
}

function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}
