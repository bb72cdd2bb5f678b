import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DeadLetterSink } from '../dead-letter/dead-letter';
import { InvalidKinesisOptionsError } from '../errors/invalid-kinesis-options.error';
import { FairShareLeaseBalancer, type LeaseTakingStrategy } from '../leases/lease-taking.strategy';
import type { BackoffOptions } from '@lib/group-commit';
import type { UnknownPatternPolicy } from './record.processor';

/** Where leases and checkpoints are kept, and how long a lease lasts. */
export interface ServerKinesisLeaseOptions {
  /** Client for the lease table. */
  dynamodb: DynamoDBDocumentClient;
  /** The lease table: HASH key `lease_key` (string); may be shared by several streams. */
  tableName: string;
  /** This worker's name in the table. Default: `<hostname>-<pid>-<random>`, unique per process. */
  workerId?: string;
  /**
   * How long a lease lasts without renewal, in ms; it is renewed every third of that. A
   * crashed worker's shards are taken over after at most this long. Default 10 000.
   */
  leaseDurationMs?: number;
  /**
   * Which leases to take on each sync, and which to ask other workers for. Default: a fair
   * share ({@link FairShareLeaseBalancer}); `TakeAllAvailableLeases` for a single worker.
   */
  takingStrategy?: LeaseTakingStrategy;
}

/** Options of {@link ServerKinesis}. */
export interface ServerKinesisOptions {
  /** The stream to read. */
  streamName: string;
  /** Client for the stream (HTTP/1.1 handler locally: see `@lib/aws`). */
  kinesis: KinesisClient;
  /** Lease and checkpoint storage, shared by every worker reading the stream. */
  leases: ServerKinesisLeaseOptions;
  /** Where records that can never be handled go; the shard moves on once they are stored. */
  deadLetters: DeadLetterSink;
  /** Wait after a GetRecords call that returned no records, in ms. Default 200. */
  idleTimeBetweenReadsMs?: number;
  /** `Limit` of each GetRecords call (1–10 000). Default 1000. */
  maxRecordsPerCall?: number;
  /** How often to look for new shards (splits, merges) and free leases, in ms. Default 10 000. */
  shardSyncIntervalMs?: number;
  /**
   * Calls of a handler for one record before it is dead-lettered. Retries asked for with
   * `KinesisRetriableException` do not count. Default 3.
   */
  maxAttempts?: number;
  /**
   * A record older than this, in ms since it reached the stream, is dead-lettered (reason
   * `record-too-old`) instead of tried (again): a consumer far behind gives up on stale work
   * rather than on fresh. Default: no limit (the stream's retention bounds the age anyway).
   */
  maxRecordAgeMs?: number;
  /** A record whose pattern no handler serves: `dead-letter` (default) or `skip`. */
  unknownPatternPolicy?: UnknownPatternPolicy;
  /**
   * Records of one shard handled at once, across partition keys; records with the same key
   * are always handled one after the other, in order. Default 1 (the whole shard in order).
   * `'auto'`: sized per shard from the handlers' measured latency, so that a shard written at
   * its limit (1,000 records/s) can be kept up with — from 4 (a dependency on loopback) to 64
   * (see `AdaptiveWindow`).
   */
  maxConcurrentRecordsPerShard?: number | 'auto';
  /**
   * The checkpoint moves at the end of every GetRecords page and, within a long page, at most
   * this often (ms). A crash repeats what came after the last checkpoint. Default 1000.
   */
  checkpointIntervalMs?: number;
  /** On close or handoff, how long records already under way get to finish (ms). Default 10 000. */
  drainTimeoutMs?: number;
  /**
   * How long `close()` waits in all for the shards to stop (ms); past it the worker lets go and
   * its leases expire. Keep it under the orchestrator's kill deadline (ECS: 30 s). Default 20 000.
   */
  shutdownTimeoutMs?: number;
  /** Backoff between retries of a record, a dead letter, or a failed AWS call. */
  retryBackoff?: BackoffOptions;
}

/** {@link ServerKinesisOptions} with every default filled in and every value checked. */
export interface ResolvedServerKinesisOptions extends Required<Omit<ServerKinesisOptions, 'leases'>> {
  leases: Required<ServerKinesisLeaseOptions>;
}

export function resolveServerKinesisOptions(options: ServerKinesisOptions): ResolvedServerKinesisOptions {
  const resolved: ResolvedServerKinesisOptions = {
    ...options,
    idleTimeBetweenReadsMs: options.idleTimeBetweenReadsMs ?? 200,
    maxRecordsPerCall: options.maxRecordsPerCall ?? 1000,
    shardSyncIntervalMs: options.shardSyncIntervalMs ?? 10_000,
    maxAttempts: options.maxAttempts ?? 3,
    maxRecordAgeMs: options.maxRecordAgeMs ?? Number.POSITIVE_INFINITY,
    unknownPatternPolicy: options.unknownPatternPolicy ?? 'dead-letter',
    maxConcurrentRecordsPerShard: options.maxConcurrentRecordsPerShard ?? 1,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 1_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 20_000,
    retryBackoff: options.retryBackoff ?? {},
    leases: {
      ...options.leases,
      workerId: options.leases?.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      leaseDurationMs: options.leases?.leaseDurationMs ?? 10_000,
      takingStrategy: options.leases?.takingStrategy ?? new FairShareLeaseBalancer(),
    },
  };
  check(!!resolved.streamName, 'streamName is required');
  check(!!resolved.kinesis, 'kinesis (a KinesisClient) is required');
  check(!!resolved.deadLetters, 'deadLetters (a DeadLetterSink) is required');
  check(!!resolved.leases.dynamodb && !!resolved.leases.tableName, 'leases.dynamodb and leases.tableName are required');
  check(isWhole(resolved.leases.leaseDurationMs, 300), 'leases.leaseDurationMs must be a whole number ≥ 300');
  check(isWhole(resolved.idleTimeBetweenReadsMs, 0), 'idleTimeBetweenReadsMs must be a whole number ≥ 0');
  check(
    isWhole(resolved.maxRecordsPerCall, 1) && resolved.maxRecordsPerCall <= 10_000,
    'maxRecordsPerCall must be a whole number from 1 to 10000',
  );
  check(isWhole(resolved.shardSyncIntervalMs, 1), 'shardSyncIntervalMs must be a whole number ≥ 1');
  check(isWhole(resolved.maxAttempts, 1), 'maxAttempts must be a whole number ≥ 1');
  check(
    resolved.maxConcurrentRecordsPerShard === 'auto' || (isWhole(resolved.maxConcurrentRecordsPerShard, 1) && resolved.maxConcurrentRecordsPerShard <= 1000),
    'maxConcurrentRecordsPerShard must be "auto" or a whole number from 1 to 1000',
  );
  check(resolved.maxRecordAgeMs >= 1_000, 'maxRecordAgeMs must be at least 1000');
  check(['dead-letter', 'skip'].includes(resolved.unknownPatternPolicy), 'unknownPatternPolicy must be "dead-letter" or "skip"');
  check(isWhole(resolved.checkpointIntervalMs, 0), 'checkpointIntervalMs must be a whole number ≥ 0');
  check(isWhole(resolved.drainTimeoutMs, 0), 'drainTimeoutMs must be a whole number ≥ 0');
  check(isWhole(resolved.shutdownTimeoutMs, 0), 'shutdownTimeoutMs must be a whole number ≥ 0');
  return resolved;
}

const isWhole = (value: number, min: number) => Number.isInteger(value) && value >= min;

function check(ok: boolean, message: string): void {
  if (!ok) throw new InvalidKinesisOptionsError(`ServerKinesis: ${message}`);
}
