import { createHash } from 'node:crypto';
import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
// By path rather than @lib/kinesis: deploy/test reads DEPLOYED_MAPPING from here, without the path aliases.
import type { LambdaStreamFailureRecord } from '../../libs/kinesis/src/lambda/failed-batch';
import { kinesisEvent, streamArnOf } from './events';

/**
 * The settings of the worker's event source mapping that shape its throughput. Their values
 * are deploy/lib/lambda.stack.ts's WORKER_EVENT_SOURCE (deploy/test checks that
 * {@link DEPLOYED_MAPPING} agrees with it); the parallelization factor is what the benchmark varies.
 */
export interface MappingSettings {
  /** Records per invocation, at most (BatchSize). */
  batchSize: number;
  /** How long a batch short of batchSize waits for more records (MaximumBatchingWindowInSeconds). */
  batchingWindowMs: number;
  /** Retries of a batch that reports failures, before the mapping gives its records up (MaximumRetryAttempts; -1: never). */
  retryAttempts: number;
  /** Where the mapping sends what it gives up on (its on-failure destination), in Lambda's format. */
  onFailure?: (record: LambdaStreamFailureRecord) => void;
  /** Concurrent batches per shard, each its own partition-key range (ParallelizationFactor). */
  parallelizationFactor: number;
}

export const DEPLOYED_MAPPING: Omit<MappingSettings, 'parallelizationFactor'> = { batchSize: 100, batchingWindowMs: 1000, retryAttempts: -1 };

/** One page of a shard, as GetRecords gives it; `caughtUp` once the shard has nothing more. */
export interface ShardPage {
  records: _Record[];
  caughtUp: boolean;
}

/** Reads one shard in order (GetRecords behind it); throttling is its own business. */
export interface ShardReader {
  read(): Promise<ShardPage>;
}

/** Sends one event to the execution environment of `lane` (one invocation at a time per lane). */
export type LaneInvoker = (lane: number, event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/** What one shard's drain did. */
export interface ShardDrainStats {
  records: number;
  invocations: number;
  /** Invocations that were retries of a batch's remainder (from its lowest reported failure). */
  retries: number;
  /** Records the mapping gave up on after retryAttempts (it would send them to the on-failure destination). */
  givenUp: number;
  /** Invocations that threw (the function failed, not a record): the whole batch is retried. */
  functionErrors: number;
  largestBatch: number;
}

const NO_DRAIN: Readonly<ShardDrainStats> = { records: 0, invocations: 0, retries: 0, givenUp: 0, functionErrors: 0, largestBatch: 0 };

/** The drains of several shards as one: counts added, the largest batch of all. */
export function sumShardDrainStats(all: readonly ShardDrainStats[]): ShardDrainStats {
  return all.reduce(
    (sum, s) => ({
      records: sum.records + s.records,
      invocations: sum.invocations + s.invocations,
      retries: sum.retries + s.retries,
      givenUp: sum.givenUp + s.givenUp,
      functionErrors: sum.functionErrors + s.functionErrors,
      largestBatch: Math.max(sum.largestBatch, s.largestBatch),
    }),
    NO_DRAIN,
  );
}

/**
 * The lane of a partition key when a shard's batches are split `factor` ways. Lambda keeps
 * per-key order at any factor by sending one key's records always through the same concurrent
 * batch; AWS does not publish its split, so this one takes the key's MD5 (as Kinesis hashes it
 * to a shard) modulo the factor.
 */
export function laneOf(partitionKey: string, factor: number): number {
  return factor === 1 ? 0 : createHash('md5').update(partitionKey, 'utf8').digest().readUInt32BE(12) % factor;
}

/** A wake-up for waiters: `wait()` resolves at the next `notify()` or after `timeoutMs`. */
class Signal {
  private waiters: Array<() => void> = [];

  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, Math.max(0, timeoutMs));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

interface Queued {
  record: _Record;
  queuedAt: number;
}

/**
 * One shard as the Kinesis event source mapping processes it: one reader (GetRecords, a page
 * ahead of what the batches need), the records split by partition key into
 * `parallelizationFactor` lanes, each lane with one batch of up to `batchSize` in flight;
 * a batch short of `batchSize` waits for more up to `batchingWindowMs`. A batch whose
 * answer names failures (`batchItemFailures`) is retried from the lowest one named, that
 * record and every later one of the batch, as Lambda retries a shard from the reported
 * sequence number; after `retryAttempts` retries (unless -1) they are given up and the
 * on-failure destination told. An invocation that
 * throws is a function error: the whole batch is retried. Resolves once the shard is read to
 * its end and every batch answered.
 */
export async function drainShard(
  streamName: string,
  shardId: string,
  reader: ShardReader,
  invoke: LaneInvoker,
  settings: MappingSettings,
): Promise<ShardDrainStats> {
  const { batchSize, batchingWindowMs, parallelizationFactor: factor } = settings;
  const lanes: Queued[][] = Array.from({ length: factor }, () => []);
  const arrived = new Signal();
  const consumed = new Signal();
  let caughtUp = false;
  const stats: ShardDrainStats = { ...NO_DRAIN };
  // Reading on until every lane holds two batches keeps each one fed (a lane short of a batch
  // would wait out the window) without holding the whole shard; the total bound stops a
  // lane that gets few keys from making the others hoard.
  const fed = () => lanes.every((lane) => lane.length >= 2 * batchSize) || lanes.reduce((sum, lane) => sum + lane.length, 0) >= 4 * batchSize * factor;

  const read = async () => {
    while (!caughtUp) {
      if (fed()) {
        await consumed.wait();
        continue;
      }
      const page = await reader.read();
      const now = performance.now();
      for (const record of page.records) lanes[laneOf(record.PartitionKey!, factor)].push({ record, queuedAt: now });
      caughtUp = page.caughtUp;
      arrived.notify();
    }
  };

  const send = async (lane: number, batch: _Record[]) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (settings.retryAttempts >= 0 && attempt > settings.retryAttempts) {
        stats.givenUp += pending.length;
        settings.onFailure?.(failureRecord(streamName, shardId, pending, attempt));
        return;
      }
      if (attempt > 0) stats.retries++;
      stats.invocations++;
      stats.largestBatch = Math.max(stats.largestBatch, pending.length);
      let failedFrom: number;
      try {
        const answer = await invoke(lane, kinesisEvent(streamName, shardId, pending));
        failedFrom = lowestFailure(pending, answer);
      } catch {
        stats.functionErrors++;
        failedFrom = 0;
      }
      stats.records += failedFrom;
      pending = pending.slice(failedFrom);
    }
  };

  const runLane = async (lane: number) => {
    const queue = lanes[lane];
    for (;;) {
      if (queue.length === 0) {
        if (caughtUp) return;
        await arrived.wait();
        continue;
      }
      if (queue.length < batchSize && !caughtUp) {
        const waitMs = queue[0].queuedAt + batchingWindowMs - performance.now();
        if (waitMs > 0) {
          await arrived.wait(waitMs);
          continue;
        }
      }
      const batch = queue.splice(0, batchSize).map((q) => q.record);
      consumed.notify();
      await send(lane, batch);
    }
  };

  await Promise.all([read(), ...lanes.map((_, lane) => runLane(lane))]);
  return stats;
}

/** What Lambda sends the on-failure destination for records it gives up on (see LambdaStreamFailureRecord). */
function failureRecord(streamName: string, shardId: string, records: readonly _Record[], invocations: number): LambdaStreamFailureRecord {
  const arrival = (record: _Record) => (record.ApproximateArrivalTimestamp ?? new Date(0)).toISOString();
  return {
    requestContext: {
      requestId: `model-${shardId}-${records[0].SequenceNumber}`,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:worker',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: invocations,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    KinesisBatchInfo: {
      shardId,
      startSequenceNumber: records[0].SequenceNumber!,
      endSequenceNumber: records[records.length - 1].SequenceNumber!,
      approximateArrivalOfFirstRecord: arrival(records[0]),
      approximateArrivalOfLastRecord: arrival(records[records.length - 1]),
      batchSize: records.length,
      streamArn: streamArnOf(streamName),
    },
  };
}

/** Index in `batch` of the lowest sequence number the answer reports failed; batch.length when none. */
function lowestFailure(batch: readonly _Record[], answer: KinesisStreamBatchResponse): number {
  const failed = new Set((answer?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  if (failed.size === 0) return batch.length;
  const index = batch.findIndex((record) => failed.has(record.SequenceNumber!));
  // An identifier that is no record of the batch fails the whole batch, as Lambda treats it.
  return index === -1 ? 0 : index;
}
