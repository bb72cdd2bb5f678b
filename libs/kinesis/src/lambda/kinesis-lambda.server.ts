import { Logger } from '@nestjs/common';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { userRecordsOf, type UserRecord } from '../aggregation/user-records';
import type { DeadLetterSink } from '../dead-letter/dead-letter';
import { RecordPipeline, type DeadLetterWhy, type RecordOrigin, type UnknownPatternPolicy } from '../pipeline/record.pipeline';
import { describeError } from '../server/aws-errors';
import { KinesisStatus } from '../server/kinesis.events';
import { KinesisHandlersServer } from '../server/kinesis-handlers.server';
import { DeliveryAttempts } from './delivery-attempts';
import { runInKeyOrder } from './key-ordered.runner';
import { fromLambdaRecord, groupByShard, type LambdaShardRecord } from './lambda-kinesis.records';

/** Options of {@link KinesisLambdaServer}. */
export interface KinesisLambdaServerOptions {
  /** Where records that can never be handled go; they then count as handled. */
  deadLetters: DeadLetterSink;
  /** A record whose pattern no handler serves: `dead-letter` (default) or `skip`. */
  unknownPatternPolicy?: UnknownPatternPolicy;
  /**
   * Records of one shard handled at once, across partition keys (one key's records stay in
   * order). Default 16: a handler that waits ~30 ms on S3 then handles a shard's batch of 100
   * about as fast as a shard can be written. 1 handles a batch one record after another.
   */
  maxConcurrentRecordsPerShard?: number;
  /**
   * The dead-letter deadline: a record older than this (since it reached the stream) that
   * fails once more, for whatever reason, an outage included, is dead-lettered with its bytes
   * instead of failed again. Set it short of the stream's retention, so that a record the
   * event source mapping retries without end (MaximumRetryAttempts and MaximumRecordAgeInSeconds
   * -1) is kept before the stream drops it. Default: no limit.
   */
  maxRecordAgeMs?: number;
  /**
   * Failures of a record for a reason of its own (any error but an outage, a
   * `KinesisRetriableException`, or a poison record) before it is dead-lettered. Counted per
   * execution environment (see {@link DeliveryAttempts}), so at least this many. Default 3.
   */
  maxAttempts?: number;
}

type ResolvedLambdaOptions = Required<KinesisLambdaServerOptions>;

/**
 * The Kinesis transport for AWS Lambda: the event source mapping reads the stream and keeps
 * the checkpoints, this strategy feeds each event's records to the same `@EventPattern`
 * handlers through the same dispatch path as `ServerKinesis`, and answers with
 * `batchItemFailures` (partial batch responses):
 *
 * - records of one shard run up to `maxConcurrentRecordsPerShard` at once across partition
 *   keys, the records of one key in shard order; shards side by side;
 * - KPL-aggregated records are opened up (checksum verified);
 * - the record path (decoding, unknown patterns, maximum age, context, dead letters, logs) is
 *   `ServerKinesis`'s own {@link RecordPipeline}; only the retry loop is Lambda's;
 * - a record that can never succeed (not a packet, no handler, `KinesisPoisonRecordException`)
 *   is dead-lettered and counts as handled, so it never blocks its shard;
 * - on a failure the lowest failed sequence number of the shard is reported, so Lambda retries
 *   from there and per-key order holds; records after it are not begun. An outage
 *   (`KinesisRetriableException`) is failed for as long as it lasts, as `ServerKinesis` waits
 *   it out; any other error is failed up to `maxAttempts` times, then dead-lettered;
 * - a record past `maxRecordAgeMs` that fails again is dead-lettered with its bytes, so with an
 *   event source mapping that never gives up on a record nothing leaves the stream unhandled
 *   and unkept (docs/lambda-delivery.md).
 *
 * ```ts
 * const strategy = new KinesisLambdaServer();
 * const app = await NestFactory.createMicroservice(WorkerModule, { strategy });
 * strategy.configure({ deadLetters: app.get(MyDeadLetterSink) });
 * await app.listen();
 * export const handler = (event: KinesisStreamEvent) => strategy.handle(event);
 * ```
 */
export class KinesisLambdaServer extends KinesisHandlersServer {
  protected override readonly logger = new Logger(KinesisLambdaServer.name);
  private options?: ResolvedLambdaOptions;
  private pipeline?: RecordPipeline;
  private readonly attempts = new DeliveryAttempts();

  constructor(options?: KinesisLambdaServerOptions) {
    super();
    if (options) this.configure(options);
    this._status$.next(KinesisStatus.DISCONNECTED);
  }

  /** Sets the options; for a dead-letter sink that comes from the app's own container. */
  configure(options: KinesisLambdaServerOptions): void {
    const resolved: ResolvedLambdaOptions = {
      deadLetters: options.deadLetters,
      unknownPatternPolicy: options.unknownPatternPolicy ?? 'dead-letter',
      maxConcurrentRecordsPerShard: options.maxConcurrentRecordsPerShard ?? 16,
      maxRecordAgeMs: options.maxRecordAgeMs ?? Number.POSITIVE_INFINITY,
      maxAttempts: options.maxAttempts ?? 3,
    };
    for (const name of ['maxConcurrentRecordsPerShard', 'maxAttempts'] as const) {
      if (!Number.isInteger(resolved[name]) || resolved[name] < 1) throw new Error(`KinesisLambdaServer: ${name} must be a whole number ≥ 1`);
    }
    this.options = resolved;
    this.pipeline = new RecordPipeline({
      hasHandler: (pattern) => this.hasHandler(pattern),
      dispatch: (packet, context) => this.dispatch(packet, context),
      deadLetters: resolved.deadLetters,
      unknownPatternPolicy: resolved.unknownPatternPolicy,
      maxRecordAgeMs: resolved.maxRecordAgeMs,
      now: () => Date.now(),
      logger: this.logger,
    });
  }

  /** Nothing to start: Lambda delivers the records. */
  listen(callback: (error?: unknown) => void): void {
    this._status$.next(KinesisStatus.CONNECTED);
    callback();
  }

  close(): void {
    this._status$.next(KinesisStatus.DISCONNECTED);
  }

  on(): this {
    return this;
  }

  unwrap<T>(): T {
    throw new Error('KinesisLambdaServer has no client: Lambda reads the stream');
  }

  /** Handles one Lambda Kinesis event; the answer tells Lambda which records to retry. */
  async handle(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
    const records = (event.Records ?? []).map(fromLambdaRecord);
    const failures = await Promise.all([...groupByShard(records).values()].map((shard) => this.handleShard(shard)));
    return { batchItemFailures: failures.flat().map((itemIdentifier) => ({ itemIdentifier })) };
  }

  /** @returns the sequence number to report: the lowest of the shard's failed records, if any. */
  private async handleShard(records: LambdaShardRecord[]): Promise<string[]> {
    const { pipeline, options } = this.require();
    const { streamName, shardId } = records[0];
    const origin: RecordOrigin = { streamName, shardId };
    // A KPL-aggregated record holds several user records, each with its own partition key;
    // a failure of any of them is reported as its Kinesis record's.
    const users = records.flatMap(({ record }) => userRecordsOf([record]).map((user) => ({ user, sequenceNumber: record.SequenceNumber! })));
    const lowest = await runInKeyOrder(
      users,
      ({ user }) => user.PartitionKey ?? '',
      options.maxConcurrentRecordsPerShard,
      ({ user }) => this.handleRecord(pipeline, origin, user),
    );
    return lowest === undefined ? [] : [users[lowest].sequenceNumber];
  }

  /** One delivery of a record; false when Lambda must deliver it again. */
  private async handleRecord(pipeline: RecordPipeline, origin: RecordOrigin, record: UserRecord): Promise<boolean> {
    const opened = pipeline.open(origin, record);
    if (opened.kind === 'skip') return true;
    const key = deliveryKey(origin, record);
    if (opened.kind === 'dead-letter') return this.deadLetter(pipeline, origin, record, key, opened.why);
    const { packet } = opened;
    const attempt = this.attempts.deliver(key);
    const result = await pipeline.attempt(origin, record, packet, attempt);
    if (result.kind === 'handled') {
      this.attempts.forget(key);
      return true;
    }
    if (result.kind === 'poison') {
      return this.deadLetter(pipeline, origin, record, key, { reason: 'handler-rejected', attempts: attempt, error: result.error, packet });
    }
    // Past the deadline a record gets this one try per delivery, then it is kept rather than
    // failed again: the stream would soon drop it.
    const tooOld = pipeline.tooOld(record, packet, attempt);
    if (tooOld) {
      return this.deadLetter(pipeline, origin, record, key, { ...tooOld, error: `${describeError(tooOld.error)}; last attempt: ${describeError(result.error)}` });
    }
    if (result.kind === 'retriable') {
      pipeline.log('warn', origin, record, `dependency outage, Lambda will retry (attempt ${attempt}): ${describeError(result.error)}`);
      return false;
    }
    const failures = this.attempts.fail(key);
    const { maxAttempts } = this.require().options;
    if (failures >= maxAttempts) {
      return this.deadLetter(pipeline, origin, record, key, { reason: 'handler-failed', attempts: attempt, error: result.error, packet });
    }
    pipeline.log('warn', origin, record, `handler failed (${failures}/${maxAttempts}), Lambda will retry: ${describeError(result.error)}`);
    return false;
  }

  /** A dead letter that could not be stored makes the record fail: Lambda retries it. */
  private async deadLetter(pipeline: RecordPipeline, origin: RecordOrigin, record: UserRecord, key: string, why: DeadLetterWhy): Promise<boolean> {
    try {
      await pipeline.deadLetter(origin, record, why);
      this.attempts.forget(key);
      return true;
    } catch (sinkError) {
      pipeline.log('warn', origin, record, `dead letter not stored, Lambda will retry: ${describeError(sinkError)}`);
      return false;
    }
  }

  private require(): { options: ResolvedLambdaOptions; pipeline: RecordPipeline } {
    if (!this.options || !this.pipeline) throw new Error('KinesisLambdaServer: call configure({ deadLetters }) before handling events');
    return { options: this.options, pipeline: this.pipeline };
  }
}

/** A user record's identity across deliveries: shard, sequence number and, in an aggregate, its index. */
function deliveryKey(origin: RecordOrigin, record: UserRecord): string {
  return `${origin.streamName}/${origin.shardId}/${record.SequenceNumber}/${record.subSequenceNumber ?? ''}`;
}
