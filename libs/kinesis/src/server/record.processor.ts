import type { UserRecord } from '../aggregation/user-records';
import type { LoggerService } from '@nestjs/common';
import { KinesisContext } from '../ctx-host/kinesis.context';
import { deadLetterOf, type DeadLetter, type DeadLetterReason, type DeadLetterSink } from '../dead-letter/dead-letter';
import { KinesisPoisonRecordException } from '../errors/kinesis-poison-record.exception';
import { KinesisRetriableException } from '../errors/kinesis-retriable.exception';
import type { KinesisPacket } from '../kinesis-packet';
import { decodePacket, MalformedRecordError } from '../kinesis-packet.codec';
import { describeError } from './aws-errors';
import { onConcurrencySlotRelease } from './concurrency-slot';
import type { Backoff } from '@lib/group-commit';
import type { Clock } from './clock';

/** How a record left the processor: handled, skipped or dead-lettered (checkpoint it), or not (stop). */
export type RecordOutcome = 'handled' | 'skipped' | 'dead-lettered' | 'aborted';

/**
 * A record nobody handles: `dead-letter` keeps it (with reason `no-handler`) for a redrive
 * once a handler exists; `skip` logs and checkpoints past it (a stream shared with events
 * this worker does not care about). Neither blocks the shard.
 */
export type UnknownPatternPolicy = 'dead-letter' | 'skip';

export interface RecordProcessorDeps {
  streamName: string;
  shardId: string;
  hasHandler(pattern: string): boolean;
  /** Calls the handler and settles when its result (Promise or Observable) has. */
  dispatch(packet: KinesisPacket, context: KinesisContext): Promise<void>;
  deadLetters: DeadLetterSink;
  maxAttempts: number;
  /** A record older than this (since it reached the stream) is dead-lettered instead of tried again. */
  maxRecordAgeMs: number;
  /** What becomes of a record whose pattern no handler serves. */
  unknownPatternPolicy: UnknownPatternPolicy;
  backoff: Backoff;
  clock: Clock;
  logger: LoggerService;
  onDeadLetter?(letter: DeadLetter): void;
}

/**
 * The failure policy for one record. It returns only when the record is done with (handled,
 * or durably dead-lettered) or when asked to stop; it never skips a record otherwise.
 */
export class RecordProcessor {
  constructor(private readonly deps: RecordProcessorDeps) {}

  /**
   * `signal` interrupts waits between attempts, never a handler already running;
   * `releaseSlot` is what the handler's `releaseConcurrencySlot(context)` calls.
   */
  async process(record: UserRecord, signal: AbortSignal, releaseSlot?: () => void): Promise<RecordOutcome> {
    let packet: KinesisPacket;
    try {
      packet = decodePacket(record.Data ?? new Uint8Array());
    } catch (error) {
      if (!(error instanceof MalformedRecordError)) throw error;
      return this.deadLetter(record, signal, { reason: 'malformed-record', attempts: 0, error });
    }
    if (!this.deps.hasHandler(packet.pattern)) {
      const error = `no handler for pattern "${packet.pattern}"`;
      if (this.deps.unknownPatternPolicy === 'skip') {
        this.log('warn', record, `${error}: skipped`);
        return 'skipped';
      }
      return this.deadLetter(record, signal, { reason: 'no-handler', attempts: 0, error, packet });
    }
    return this.handle(record, packet, signal, releaseSlot);
  }

  private async handle(record: UserRecord, packet: KinesisPacket, signal: AbortSignal, releaseSlot?: () => void): Promise<RecordOutcome> {
    let attempt = 0;
    let failures = 0;
    let outageRetries = 0;
    for (;;) {
      if (signal.aborted) return 'aborted';
      const age = this.ageOf(record);
      if (age > this.deps.maxRecordAgeMs) {
        const error = `record is ${Math.round(age / 1000)} s old, over the maximum of ${Math.round(this.deps.maxRecordAgeMs / 1000)} s`;
        return this.deadLetter(record, signal, { reason: 'record-too-old', attempts: attempt, error, packet });
      }
      attempt += 1;
      try {
        const context = this.contextOf(record, packet, attempt);
        await this.deps.dispatch(packet, releaseSlot ? onConcurrencySlotRelease(context, releaseSlot) : context);
        return 'handled';
      } catch (error) {
        if (error instanceof KinesisRetriableException) {
          outageRetries += 1;
          this.log('warn', record, `handler asked for a retry (attempt ${attempt}): ${describeError(error)}`);
          await this.deps.clock.sleep(this.deps.backoff.delay(outageRetries), signal);
          continue;
        }
        if (error instanceof KinesisPoisonRecordException) {
          return this.deadLetter(record, signal, { reason: 'handler-rejected', attempts: attempt, error, packet });
        }
        failures += 1;
        this.log('warn', record, `handler failed (${failures}/${this.deps.maxAttempts}): ${describeError(error)}`);
        if (failures >= this.deps.maxAttempts) {
          return this.deadLetter(record, signal, { reason: 'handler-failed', attempts: attempt, error, packet });
        }
        await this.deps.clock.sleep(this.deps.backoff.delay(failures), signal);
      }
    }
  }

  private async deadLetter(
    record: UserRecord,
    signal: AbortSignal,
    why: { reason: DeadLetterReason; attempts: number; error: unknown; packet?: KinesisPacket },
  ): Promise<RecordOutcome> {
    const letter = this.letterOf(record, why);
    // Skipping the record is only allowed once its letter is stored, so this retries for
    // as long as the sink is down; a stop leaves the record unchecked for the next reader.
    for (let retry = 1; ; retry++) {
      if (signal.aborted) return 'aborted';
      try {
        await this.deps.deadLetters.send(letter);
        this.log('error', record, `dead-lettered (${letter.reason}): ${letter.last_error}`);
        this.deps.onDeadLetter?.(letter);
        return 'dead-lettered';
      } catch (error) {
        this.log('warn', record, `dead letter not stored, retrying: ${describeError(error)}`);
        await this.deps.clock.sleep(this.deps.backoff.delay(retry), signal);
      }
    }
  }

  private letterOf(
    record: UserRecord,
    why: { reason: DeadLetterReason; attempts: number; error: unknown; packet?: KinesisPacket },
  ): DeadLetter {
    return deadLetterOf({ streamName: this.deps.streamName, shardId: this.deps.shardId, record, ...why, at: this.deps.clock.now() });
  }

  private ageOf(record: UserRecord): number {
    const arrival = record.ApproximateArrivalTimestamp;
    return arrival ? this.deps.clock.now() - arrival.getTime() : 0;
  }

  private contextOf(record: UserRecord, packet: KinesisPacket, attempt: number): KinesisContext {
    return new KinesisContext([
      this.deps.streamName,
      this.deps.shardId,
      record.SequenceNumber ?? '',
      record.PartitionKey ?? '',
      record.ApproximateArrivalTimestamp ?? new Date(0),
      packet,
      attempt,
      record.subSequenceNumber,
    ]);
  }

  private log(level: 'warn' | 'error', record: UserRecord, message: string): void {
    const sub = record.subSequenceNumber === undefined ? '' : `/${record.subSequenceNumber}`;
    this.deps.logger[level](`${this.deps.shardId}/${record.SequenceNumber}${sub}: ${message}`);
  }
}
