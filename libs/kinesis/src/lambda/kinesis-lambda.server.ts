import { Logger } from '@nestjs/common';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { userRecordsOf, type UserRecord } from '../aggregation/user-records';
import { KinesisContext } from '../ctx-host/kinesis.context';
import { deadLetterOf, type DeadLetterReason, type DeadLetterSink } from '../dead-letter/dead-letter';
import { KinesisPoisonRecordException } from '../errors/kinesis-poison-record.exception';
import type { KinesisPacket } from '../kinesis-packet';
import { decodePacket, MalformedRecordError } from '../kinesis-packet.codec';
import { describeError } from '../server/aws-errors';
import { KinesisStatus } from '../server/kinesis.events';
import { KinesisHandlersServer } from '../server/kinesis-handlers.server';
import type { UnknownPatternPolicy } from '../server/record.processor';
import { fromLambdaRecord, groupByShard, type LambdaShardRecord } from './lambda-kinesis.records';

/** Options of {@link KinesisLambdaServer}. */
export interface KinesisLambdaServerOptions {
  /** Where records that can never be handled go; they then count as handled. */
  deadLetters: DeadLetterSink;
  /** A record whose pattern no handler serves: `dead-letter` (default) or `skip`. */
  unknownPatternPolicy?: UnknownPatternPolicy;
}

/**
 * The Kinesis transport for AWS Lambda: the event source mapping reads the stream and keeps
 * the checkpoints, this strategy feeds each event's records to the same `@EventPattern`
 * handlers through the same dispatch path as `ServerKinesis`, and answers with
 * `batchItemFailures` (partial batch responses):
 *
 * - records of one shard are handled in order; shards side by side;
 * - KPL-aggregated records are opened up (checksum verified);
 * - a record that can never succeed (not a packet, no handler, `KinesisPoisonRecordException`)
 *   is dead-lettered and counts as handled, so it never blocks its shard;
 * - on the first failure in a shard (any other error, an outage included), that record and
 *   every later one of the shard are reported, so Lambda retries from there and order holds.
 *   Retries, bisecting and the maximum record age are the event source mapping's settings.
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
  private options?: Required<KinesisLambdaServerOptions>;

  constructor(options?: KinesisLambdaServerOptions) {
    super();
    if (options) this.configure(options);
    this._status$.next(KinesisStatus.DISCONNECTED);
  }

  /** Sets the options; for a dead-letter sink that comes from the app's own container. */
  configure(options: KinesisLambdaServerOptions): void {
    this.options = { unknownPatternPolicy: 'dead-letter', ...options };
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

  /** @returns the sequence numbers to report: the failed record's and every later one's. */
  private async handleShard(records: LambdaShardRecord[]): Promise<string[]> {
    for (let i = 0; i < records.length; i++) {
      const { streamName, shardId, record } = records[i];
      for (const user of userRecordsOf([record])) {
        const ok = await this.handleRecord(streamName, shardId, user);
        if (!ok) return [...new Set(records.slice(i).map((later) => later.record.SequenceNumber!))];
      }
    }
    return [];
  }

  /** @returns false when the record must be retried by Lambda. */
  private async handleRecord(streamName: string, shardId: string, record: UserRecord): Promise<boolean> {
    const options = this.requireOptions();
    let packet: KinesisPacket;
    try {
      packet = decodePacket(record.Data ?? new Uint8Array());
    } catch (error) {
      if (!(error instanceof MalformedRecordError)) throw error;
      return this.deadLetter({ streamName, shardId, record }, 'malformed-record', error);
    }
    if (!this.hasHandler(packet.pattern)) {
      const error = `no handler for pattern "${packet.pattern}"`;
      if (options.unknownPatternPolicy === 'skip') return true;
      return this.deadLetter({ streamName, shardId, record, packet }, 'no-handler', error);
    }
    try {
      await this.dispatch(packet, this.contextOf(streamName, shardId, record, packet));
      return true;
    } catch (error) {
      if (error instanceof KinesisPoisonRecordException) {
        return this.deadLetter({ streamName, shardId, record, packet, attempts: 1 }, 'handler-rejected', error);
      }
      this.logger.warn(`${shardId}/${record.SequenceNumber}: handler failed, Lambda will retry: ${describeError(error)}`);
      return false;
    }
  }

  /** A dead letter that could not be stored makes the record fail: Lambda retries it. */
  private async deadLetter(
    where: { streamName: string; shardId: string; record: UserRecord; packet?: KinesisPacket; attempts?: number },
    reason: DeadLetterReason,
    error: unknown,
  ): Promise<boolean> {
    const { record } = where;
    const letter = deadLetterOf({ ...where, attempts: where.attempts ?? 0, reason, error, at: Date.now() });
    try {
      await this.requireOptions().deadLetters.send(letter);
      this.logger.error(`${where.shardId}/${record.SequenceNumber}: dead-lettered (${reason}): ${letter.last_error}`);
      return true;
    } catch (sinkError) {
      this.logger.warn(`${where.shardId}/${record.SequenceNumber}: dead letter not stored, Lambda will retry: ${describeError(sinkError)}`);
      return false;
    }
  }

  private contextOf(streamName: string, shardId: string, record: UserRecord, packet: KinesisPacket): KinesisContext {
    return new KinesisContext([
      streamName,
      shardId,
      record.SequenceNumber ?? '',
      record.PartitionKey ?? '',
      record.ApproximateArrivalTimestamp ?? new Date(0),
      packet,
      1,
      record.subSequenceNumber,
    ]);
  }

  private requireOptions(): Required<KinesisLambdaServerOptions> {
    if (!this.options) throw new Error('KinesisLambdaServer: call configure({ deadLetters }) before handling events');
    return this.options;
  }
}
