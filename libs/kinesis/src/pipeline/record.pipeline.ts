import type { LoggerService } from '@nestjs/common';
import type { UserRecord } from '../aggregation/user-records';
import { KinesisContext } from '../ctx-host/kinesis.context';
import { deadLetterOf, type DeadLetter, type DeadLetterReason, type DeadLetterSink } from '../dead-letter/dead-letter';
import { KinesisPoisonRecordException } from '../errors/kinesis-poison-record.exception';
import { KinesisRetriableException } from '../errors/kinesis-retriable.exception';
import type { KinesisPacket } from '../kinesis-packet';
import { decodePacket, MalformedRecordError } from '../kinesis-packet.codec';
import { onConcurrencySlotRelease } from '../server/concurrency-slot';

/**
 * A record nobody handles: `dead-letter` keeps it (with reason `no-handler`) for a redrive
 * once a handler exists; `skip` logs and checkpoints past it (a stream shared with events
 * this worker does not care about). Neither blocks the shard.
 */
export type UnknownPatternPolicy = 'dead-letter' | 'skip';

/** Where a record was read: the stream and shard its context and dead letter name. */
export interface RecordOrigin {
  streamName: string;
  shardId: string;
}

/** Why a record is to be dead-lettered, and how many times its handler ran. */
export interface DeadLetterWhy {
  reason: DeadLetterReason;
  attempts: number;
  error: unknown;
  packet?: KinesisPacket;
}

/** A record made ready for its handler, or the verdict that it never reaches one. */
export type OpenedRecord =
  | { kind: 'packet'; packet: KinesisPacket }
  | { kind: 'skip' }
  | { kind: 'dead-letter'; why: DeadLetterWhy };

/**
 * What one handler call came to. `retriable`: the handler asked to be called again
 * (`KinesisRetriableException`, an outage) and it does not count as a failure; `poison`: the
 * handler says the record can never succeed; `failed`: any other error.
 */
export type AttemptResult =
  | { kind: 'handled' }
  | { kind: 'retriable'; error: unknown }
  | { kind: 'poison'; error: unknown }
  | { kind: 'failed'; error: unknown };

export interface RecordPipelineDeps {
  hasHandler(pattern: string): boolean;
  /** Calls the handler and settles when its result (Promise or Observable) has. */
  dispatch(packet: KinesisPacket, context: KinesisContext): Promise<void>;
  deadLetters: DeadLetterSink;
  /** What becomes of a record whose pattern no handler serves. */
  unknownPatternPolicy: UnknownPatternPolicy;
  /** A record older than this (since it reached the stream) is dead-lettered instead of tried again. */
  maxRecordAgeMs: number;
  now(): number;
  logger: LoggerService;
  onDeadLetter?(letter: DeadLetter): void;
}

/**
 * The one path a Kinesis record takes to its handler, shared by the container transport
 * (`ServerKinesis`, which polls and retries in process) and the Lambda one
 * (`KinesisLambdaServer`, where the event source mapping retries): decoding, the unknown
 * pattern policy, the maximum record age, the handler's context, the reading of what the
 * handler threw, dead letters and the log lines. Only the retry loops differ between the two,
 * so a handler and an operator see the same behaviour in both.
 */
export class RecordPipeline {
  constructor(private readonly deps: RecordPipelineDeps) {}

  /** Decodes the record and finds whether a handler serves its pattern. */
  open(origin: RecordOrigin, record: UserRecord): OpenedRecord {
    let packet: KinesisPacket;
    try {
      packet = decodePacket(record.Data ?? new Uint8Array());
    } catch (error) {
      if (!(error instanceof MalformedRecordError)) throw error;
      return { kind: 'dead-letter', why: { reason: 'malformed-record', attempts: 0, error } };
    }
    if (this.deps.hasHandler(packet.pattern)) return { kind: 'packet', packet };
    const error = `no handler for pattern "${packet.pattern}"`;
    if (this.deps.unknownPatternPolicy === 'skip') {
      this.log('warn', origin, record, `${error}: skipped`);
      return { kind: 'skip' };
    }
    return { kind: 'dead-letter', why: { reason: 'no-handler', attempts: 0, error, packet } };
  }

  /** Set when the record is past the maximum age: it is dead-lettered rather than tried again. */
  tooOld(record: UserRecord, packet: KinesisPacket, attempts: number): DeadLetterWhy | undefined {
    const arrival = record.ApproximateArrivalTimestamp;
    const age = arrival ? this.deps.now() - arrival.getTime() : 0;
    if (age <= this.deps.maxRecordAgeMs) return undefined;
    const error = `record is ${Math.round(age / 1000)} s old, over the maximum of ${Math.round(this.deps.maxRecordAgeMs / 1000)} s`;
    return { reason: 'record-too-old', attempts, error, packet };
  }

  /**
   * Calls the handler once (attempt `attempt`, counted from 1) and reads what it threw.
   * `releaseSlot` is what the handler's `releaseConcurrencySlot(context)` calls.
   */
  async attempt(origin: RecordOrigin, record: UserRecord, packet: KinesisPacket, attempt: number, releaseSlot?: () => void): Promise<AttemptResult> {
    const context = this.contextOf(origin, record, packet, attempt);
    try {
      await this.deps.dispatch(packet, releaseSlot ? onConcurrencySlotRelease(context, releaseSlot) : context);
      return { kind: 'handled' };
    } catch (error) {
      if (error instanceof KinesisRetriableException) return { kind: 'retriable', error };
      if (error instanceof KinesisPoisonRecordException) return { kind: 'poison', error };
      return { kind: 'failed', error };
    }
  }

  /** Stores the record's dead letter once; throws what the sink threw (the caller retries). */
  async deadLetter(origin: RecordOrigin, record: UserRecord, why: DeadLetterWhy): Promise<void> {
    const letter = deadLetterOf({ ...origin, record, ...why, at: this.deps.now() });
    await this.deps.deadLetters.send(letter);
    this.log('error', origin, record, `dead-lettered (${letter.reason}): ${letter.last_error}`);
    this.deps.onDeadLetter?.(letter);
  }

  /** One line per event of a record, named `<shard>/<sequence>[/<sub-sequence>]`. */
  log(level: 'warn' | 'error', origin: RecordOrigin, record: UserRecord, message: string): void {
    const sub = record.subSequenceNumber === undefined ? '' : `/${record.subSequenceNumber}`;
    this.deps.logger[level](`${origin.shardId}/${record.SequenceNumber}${sub}: ${message}`);
  }

  private contextOf(origin: RecordOrigin, record: UserRecord, packet: KinesisPacket, attempt: number): KinesisContext {
    return new KinesisContext([
      origin.streamName,
      origin.shardId,
      record.SequenceNumber ?? '',
      record.PartitionKey ?? '',
      record.ApproximateArrivalTimestamp ?? new Date(0),
      packet,
      attempt,
      record.subSequenceNumber,
    ]);
  }
}
