import type { LoggerService } from '@nestjs/common';
import type { UserRecord } from '../aggregation/user-records';
import type { KinesisContext } from '../ctx-host/kinesis.context';
import type { DeadLetter, DeadLetterSink } from '../dead-letter/dead-letter';
import type { KinesisPacket } from '../kinesis-packet';
import { RecordPipeline, type DeadLetterWhy, type RecordOrigin, type UnknownPatternPolicy } from '../pipeline/record.pipeline';
import { describeError } from './aws-errors';
import type { Backoff } from '@lib/group-commit';
import type { Clock } from './clock';

export type { UnknownPatternPolicy } from '../pipeline/record.pipeline';

/** How a record left the processor: handled, skipped or dead-lettered (checkpoint it), or not (stop). */
export type RecordOutcome = 'handled' | 'skipped' | 'dead-lettered' | 'aborted';

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
 * The container transport's failure policy for one record, over the shared
 * {@link RecordPipeline}: failures are retried in process with backoff up to `maxAttempts`,
 * outages (`KinesisRetriableException`) for as long as they last, and a dead letter that
 * cannot be stored is tried again until it is. It returns only when the record is done with
 * (handled, or durably dead-lettered) or when asked to stop; it never skips a record otherwise.
 */
export class RecordProcessor {
  private readonly pipeline: RecordPipeline;
  private readonly origin: RecordOrigin;

  constructor(private readonly deps: RecordProcessorDeps) {
    this.pipeline = new RecordPipeline({ ...deps, now: () => deps.clock.now() });
    this.origin = { streamName: deps.streamName, shardId: deps.shardId };
  }

  /**
   * `signal` interrupts waits between attempts, never a handler already running;
   * `releaseSlot` is what the handler's `releaseConcurrencySlot(context)` calls.
   */
  async process(record: UserRecord, signal: AbortSignal, releaseSlot?: () => void): Promise<RecordOutcome> {
    const opened = this.pipeline.open(this.origin, record);
    if (opened.kind === 'skip') return 'skipped';
    if (opened.kind === 'dead-letter') return this.deadLetter(record, signal, opened.why);
    return this.handle(record, opened.packet, signal, releaseSlot);
  }

  private async handle(record: UserRecord, packet: KinesisPacket, signal: AbortSignal, releaseSlot?: () => void): Promise<RecordOutcome> {
    let attempt = 0;
    let failures = 0;
    let outageRetries = 0;
    for (;;) {
      if (signal.aborted) return 'aborted';
      const tooOld = this.pipeline.tooOld(record, packet, attempt);
      if (tooOld) return this.deadLetter(record, signal, tooOld);
      attempt += 1;
      const result = await this.pipeline.attempt(this.origin, record, packet, attempt, releaseSlot);
      switch (result.kind) {
        case 'handled':
          return 'handled';
        case 'retriable':
          outageRetries += 1;
          this.pipeline.log('warn', this.origin, record, `handler asked for a retry (attempt ${attempt}): ${describeError(result.error)}`);
          await this.deps.clock.sleep(this.deps.backoff.delay(outageRetries), signal);
          continue;
        case 'poison':
          return this.deadLetter(record, signal, { reason: 'handler-rejected', attempts: attempt, error: result.error, packet });
        case 'failed':
          failures += 1;
          this.pipeline.log('warn', this.origin, record, `handler failed (${failures}/${this.deps.maxAttempts}): ${describeError(result.error)}`);
          if (failures >= this.deps.maxAttempts) {
            return this.deadLetter(record, signal, { reason: 'handler-failed', attempts: attempt, error: result.error, packet });
          }
          await this.deps.clock.sleep(this.deps.backoff.delay(failures), signal);
      }
    }
  }

  private async deadLetter(record: UserRecord, signal: AbortSignal, why: DeadLetterWhy): Promise<RecordOutcome> {
    // Skipping the record is only allowed once its letter is stored, so this retries for
    // as long as the sink is down; a stop leaves the record unchecked for the next reader.
    for (let retry = 1; ; retry++) {
      if (signal.aborted) return 'aborted';
      try {
        await this.pipeline.deadLetter(this.origin, record, why);
        return 'dead-lettered';
      } catch (error) {
        this.pipeline.log('warn', this.origin, record, `dead letter not stored, retrying: ${describeError(error)}`);
        await this.deps.clock.sleep(this.deps.backoff.delay(retry), signal);
      }
    }
  }
}
