import { PutRecordsCommand, type KinesisClient, type PutRecordsOutput } from '@aws-sdk/client-kinesis';
import { Backoff, type BackoffOptions } from '../../retry/backoff';
import type { KinesisPutResult, KinesisRecordEntry, KinesisRecordSender } from '../kinesis-record.sender';
import { PUT_RECORDS_MAX_BYTES, PUT_RECORDS_MAX_RECORDS } from './put-records.limits';
import {
  PublishDeadlineExceededError,
  PublisherQueueFullError,
  RecordRejectedError,
} from './publish-failures';
import { isRetryablePutError } from './retryable-put.errors';

/** Options of {@link BatchingRecordSender}; every one has a default fit for an api. */
export interface BatchingOptions {
  /** Records per `PutRecords` call, at most 500 (the service limit). Default 500. */
  maxBatchRecords?: number;
  /** Bytes (data + partition keys) per call, at most 5 MiB (the service limit). Default 5 MiB. */
  maxBatchBytes?: number;
  /** `PutRecords` calls in flight at once. Default 4. */
  maxInFlight?: number;
  /**
   * How long a record may wait for companions while other calls are in flight, in ms.
   * With nothing in flight a record is sent at once, whatever this says. Default 5.
   */
  maxLingerMs?: number;
  /** How long a record may take, retries included, before `send` rejects, in ms. Default 5000. */
  deadlineMs?: number;
  /** A call that has not answered after this long is abandoned and its records retried. Default 2000. */
  requestTimeoutMs?: number;
  /** Records held (queued, in flight or waiting to retry) before `send` refuses. Default 10,000. */
  maxQueuedRecords?: number;
  /** Bytes held before `send` refuses. Default 64 MiB. */
  maxQueuedBytes?: number;
  /**
   * Keep the order of records with the same partition key: at most one of them is in flight or
   * waiting to retry at any time, so a retry can never overtake or fall behind its neighbours.
   * Costs throughput for hot keys. Default false.
   */
  ordered?: boolean;
  /** Retry delays: capped exponential with full jitter. Default 50 ms doubling up to 1 s. */
  backoff?: Omit<BackoffOptions, 'jitter'>;
  /** Source of randomness for the jitter (tests make it deterministic). */
  random?: () => number;
}

/** Counters since start, for logs, metrics and benchmarks. */
export interface BatchingSenderStats {
  /** Records accepted into the queue. */
  accepted: number;
  /** Records Kinesis took. */
  delivered: number;
  /** Records whose `send` rejected after being queued (deadline or permanent error). */
  failed: number;
  /** Records refused at once because the queue was full. */
  refused: number;
  /** Records sent again after a per-record or request failure. */
  retried: number;
  /** `PutRecords` calls made, and those that failed as a whole. */
  requests: number;
  failedRequests: number;
}

type RecordState = 'blocked' | 'queued' | 'in-flight' | 'waiting' | 'done';

/** One record on its way, from `send` until Kinesis took it or it was given up. */
interface PendingRecord {
  readonly entry: KinesisRecordEntry;
  readonly bytes: number;
  state: RecordState;
  /** The promise was settled; the record may still be in flight (its outcome is then ignored). */
  settled: boolean;
  attempts: number;
  /** When it last joined the ready queue (for the linger). */
  readyAt: number;
  lastError?: unknown;
  deadlineTimer?: NodeJS.Timeout;
  resolve(result: KinesisPutResult): void;
  reject(error: unknown): void;
}

/**
 * Delivers records with `PutRecords` the way the Kinesis Producer Library does, behind the
 * one-record-at-a-time {@link KinesisRecordSender} interface:
 *
 * - **group commit**: with nothing in flight a record is sent at once (no added latency);
 *   while calls are in flight, new records gather into the next call (≤ 500 records, ≤ 5 MiB),
 *   which leaves when a slot frees up, when it is full, or after `maxLingerMs`;
 * - **retries**: records Kinesis refused (throttled, internal failure) and whole calls that
 *   failed (throttling, 5xx, network) are sent again — only those records — after a capped
 *   exponential delay with full jitter, until the record's deadline; then `send` rejects with
 *   {@link PublishDeadlineExceededError}; a permanent error (no such stream, access denied)
 *   rejects at once;
 * - **bounded memory**: at most `maxQueuedRecords` / `maxQueuedBytes` are held; beyond that
 *   `send` rejects at once with {@link PublisherQueueFullError};
 * - **order**: by default records may be reordered (calls run in parallel, and a retried
 *   record lands after later ones); `ordered: true` keeps per-partition-key order.
 *
 * `send` resolves only once Kinesis acknowledged the record, so a caller that waits for it
 * (an api answering 202) never acknowledges a record that is not in the stream.
 */
export class BatchingRecordSender implements KinesisRecordSender {
  private readonly maxBatchRecords: number;
  private readonly maxBatchBytes: number;
  private readonly maxInFlight: number;
  private readonly maxLingerMs: number;
  private readonly deadlineMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxQueuedRecords: number;
  private readonly maxQueuedBytes: number;
  private readonly ordered: boolean;
  private readonly backoff: Backoff;

  /** Records ready to go, oldest first. */
  private ready: PendingRecord[] = [];
  private readyBytes = 0;
  /** Ordered mode: records waiting behind the one of their key that is under way. */
  private readonly blockedByKey = new Map<string, PendingRecord[]>();
  private inFlight = 0;
  private held = { records: 0, bytes: 0 };
  private lingerTimer?: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];
  private readonly counters: BatchingSenderStats = {
    accepted: 0,
    delivered: 0,
    failed: 0,
    refused: 0,
    retried: 0,
    requests: 0,
    failedRequests: 0,
  };

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    options: BatchingOptions = {},
  ) {
    this.maxBatchRecords = within(options.maxBatchRecords ?? PUT_RECORDS_MAX_RECORDS, 1, PUT_RECORDS_MAX_RECORDS, 'maxBatchRecords');
    this.maxBatchBytes = within(options.maxBatchBytes ?? PUT_RECORDS_MAX_BYTES, 1, PUT_RECORDS_MAX_BYTES, 'maxBatchBytes');
    this.maxInFlight = within(options.maxInFlight ?? 4, 1, 1000, 'maxInFlight');
    this.maxLingerMs = within(options.maxLingerMs ?? 5, 0, 60_000, 'maxLingerMs');
    this.deadlineMs = within(options.deadlineMs ?? 5_000, 1, 15 * 60_000, 'deadlineMs');
    this.requestTimeoutMs = within(options.requestTimeoutMs ?? 2_000, 1, 15 * 60_000, 'requestTimeoutMs');
    this.maxQueuedRecords = within(options.maxQueuedRecords ?? 10_000, 1, Number.MAX_SAFE_INTEGER, 'maxQueuedRecords');
    this.maxQueuedBytes = within(options.maxQueuedBytes ?? 64 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER, 'maxQueuedBytes');
    this.ordered = options.ordered ?? false;
    this.backoff = new Backoff({ initialMs: 50, maxMs: 1_000, ...options.backoff, jitter: 'full' }, options.random);
  }

  get stats(): Readonly<BatchingSenderStats> & { held: { records: number; bytes: number }; inFlight: number } {
    return { ...this.counters, held: { ...this.held }, inFlight: this.inFlight };
  }

  send(entry: KinesisRecordEntry): Promise<KinesisPutResult> {
    const bytes = entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
    if (this.held.records + 1 > this.maxQueuedRecords || this.held.bytes + bytes > this.maxQueuedBytes) {
      this.counters.refused++;
      const limit = this.held.records + 1 > this.maxQueuedRecords ? 'records' : 'bytes';
      return Promise.reject(new PublisherQueueFullError(limit, { ...this.held }));
    }
    return new Promise<KinesisPutResult>((resolve, reject) => {
      const record: PendingRecord = {
        entry,
        bytes,
        state: 'queued',
        settled: false,
        attempts: 0,
        readyAt: Date.now(),
        resolve,
        reject,
      };
      record.deadlineTimer = setTimeout(() => this.expire(record), this.deadlineMs);
      this.held.records++;
      this.held.bytes += bytes;
      this.counters.accepted++;
      if (this.ordered && this.claimKey(record) === 'behind') {
        record.state = 'blocked';
        return;
      }
      this.enqueue(record);
      this.pump();
    });
  }

  /** Resolves once every record handed to `send` so far was delivered or given up. */
  flush(): Promise<void> {
    if (this.held.records === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ordered mode: the first record of a key goes ahead; later ones wait behind it. */
  private claimKey(record: PendingRecord): 'ahead' | 'behind' {
    const waiting = this.blockedByKey.get(record.entry.partitionKey);
    if (waiting === undefined) {
      this.blockedByKey.set(record.entry.partitionKey, []);
      return 'ahead';
    }
    waiting.push(record);
    return 'behind';
  }

  /** Ordered mode: the key's record is no longer under way; the next one of that key may go. */
  private releaseKey(key: string): void {
    const waiting = this.blockedByKey.get(key);
    if (waiting === undefined) return;
    const next = waiting.shift();
    if (next === undefined) {
      this.blockedByKey.delete(key);
      return;
    }
    this.enqueue(next);
  }

  private enqueue(record: PendingRecord, atFront = false): void {
    record.state = 'queued';
    record.readyAt = Date.now();
    if (atFront) this.ready.unshift(record);
    else this.ready.push(record);
    this.readyBytes += record.bytes;
  }

  /** Sends what is ready while slots are free; under load, lets a call fill up for a moment. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.ready.length > 0) {
      if (this.inFlight > 0 && !this.batchIsFull()) {
        const lingerLeft = this.ready[0].readyAt + this.maxLingerMs - Date.now();
        if (lingerLeft > 0) {
          this.lingerTimer ??= setTimeout(() => {
            this.lingerTimer = undefined;
            this.pump();
          }, lingerLeft);
          return;
        }
      }
      void this.dispatch(this.takeBatch());
    }
  }

  private batchIsFull(): boolean {
    return this.ready.length >= this.maxBatchRecords || this.readyBytes >= this.maxBatchBytes;
  }

  private takeBatch(): PendingRecord[] {
    let count = 0;
    let bytes = 0;
    while (count < this.ready.length && count < this.maxBatchRecords) {
      const next = this.ready[count].bytes;
      if (count > 0 && bytes + next > this.maxBatchBytes) break;
      bytes += next;
      count++;
    }
    this.readyBytes -= bytes;
    return this.ready.splice(0, count);
  }

  private async dispatch(batch: PendingRecord[]): Promise<void> {
    this.inFlight++;
    this.counters.requests++;
    for (const record of batch) {
      record.state = 'in-flight';
      record.attempts++;
    }
    try {
      const output = await this.kinesis.send(
        new PutRecordsCommand({
          StreamName: this.streamName,
          Records: batch.map(({ entry }) => ({ Data: entry.data, PartitionKey: entry.partitionKey })),
        }),
        { abortSignal: AbortSignal.timeout(this.requestTimeoutMs) },
      );
      this.settleBatch(batch, output);
    } catch (error) {
      this.counters.failedRequests++;
      for (const record of batch) this.retryOrGiveUp(record, error);
    } finally {
      this.inFlight--;
      this.pump();
      this.notifyIfIdle();
    }
  }

  private settleBatch(batch: PendingRecord[], output: PutRecordsOutput): void {
    const results = output.Records ?? [];
    batch.forEach((record, i) => {
      const result = results[i];
      if (result?.SequenceNumber !== undefined && result.ErrorCode === undefined) {
        this.deliver(record, { shardId: result.ShardId ?? '', sequenceNumber: result.SequenceNumber });
      } else {
        const code = result?.ErrorCode ?? 'InternalFailure';
        const message = result === undefined ? 'no result for this record in the PutRecords answer' : result.ErrorMessage;
        this.retryOrGiveUp(record, new RecordRejectedError(code, message));
      }
    });
  }

  private deliver(record: PendingRecord, result: KinesisPutResult): void {
    this.finish(record);
    if (record.settled) return;
    record.settled = true;
    this.counters.delivered++;
    record.resolve(result);
  }

  private retryOrGiveUp(record: PendingRecord, error: unknown): void {
    record.lastError = error;
    if (record.settled) return this.finish(record);
    if (!isRetryablePutError(error)) return this.giveUp(record, error);
    // No check against the deadline here: its own timer rejects the record if the delay outlasts it.
    const delay = this.backoff.delay(record.attempts);
    this.counters.retried++;
    record.state = 'waiting';
    setTimeout(() => {
      if (record.state !== 'waiting') return;
      // Back at the front: a retried record has waited longest.
      this.enqueue(record, true);
      this.pump();
    }, delay);
  }

  /** The deadline passed: reject now; a call still in flight for it finishes unobserved. */
  private expire(record: PendingRecord): void {
    if (record.settled) return;
    record.settled = true;
    this.counters.failed++;
    record.reject(new PublishDeadlineExceededError(this.deadlineMs, record.attempts, { cause: record.lastError }));
    switch (record.state) {
      case 'queued':
        this.ready.splice(this.ready.indexOf(record), 1);
        this.readyBytes -= record.bytes;
        break;
      case 'blocked': {
        const waiting = this.blockedByKey.get(record.entry.partitionKey) ?? [];
        waiting.splice(waiting.indexOf(record), 1);
        break;
      }
      case 'in-flight':
        // Released when its call answers, so memory and key order stay accounted for.
        return;
    }
    this.finish(record);
    this.pump();
  }

  private giveUp(record: PendingRecord, error: unknown): void {
    this.finish(record);
    record.settled = true;
    this.counters.failed++;
    record.reject(error);
  }

  /** The record is no longer under way: free its memory and, in ordered mode, its key. */
  private finish(record: PendingRecord): void {
    if (record.state === 'done') return;
    const wasUnderWay = record.state !== 'blocked';
    this.release(record);
    if (this.ordered && wasUnderWay) this.releaseKey(record.entry.partitionKey);
    this.notifyIfIdle();
  }

  private release(record: PendingRecord): void {
    record.state = 'done';
    clearTimeout(record.deadlineTimer);
    this.held.records--;
    this.held.bytes -= record.bytes;
  }

  private notifyIfIdle(): void {
    if (this.held.records > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function within(value: number, min: number, max: number, name: string): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}
