import { OutcomeUnknownError } from '@lib/group-commit';

/**
 * Kinesis did not accept a record (after the SDK's own retries): the event is not known to be
 * in the stream, so whoever asked for it must not acknowledge it. The SDK error is `cause`.
 * When {@link outcomeUnknown}, it may be in the stream all the same (a call carrying it went
 * unanswered): whoever asked must not forget it either.
 */
export class KinesisPublishError extends Error {
  override readonly name = 'KinesisPublishError';

  constructor(
    readonly pattern: string,
    readonly streamName: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : String(options.cause);
    super(`could not put "${pattern}" into stream ${streamName}: ${reason}`, options);
  }

  /** The record may be in the stream: a call that carried it lost its answer. */
  get outcomeUnknown(): boolean {
    return this.cause instanceof OutcomeUnknownError;
  }
}
