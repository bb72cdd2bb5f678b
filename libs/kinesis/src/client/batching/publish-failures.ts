/**
 * Why a record did not reach the stream. Each is a `cause` of the `KinesisPublishError` the
 * client rejects with, so an api can tell an overload (refuse at once) from an outage.
 */

/** The publisher holds as many records or bytes as it may: refused before queuing. */
export class PublisherQueueFullError extends Error {
  override readonly name = 'PublisherQueueFullError';

  constructor(
    readonly limit: 'records' | 'bytes',
    readonly held: { records: number; bytes: number },
  ) {
    super(`the publish queue is full (${held.records} records, ${held.bytes} bytes held; limit on ${limit})`);
  }
}

/** The record's retries did not succeed within its deadline. The last failure is `cause`. */
export class PublishDeadlineExceededError extends Error {
  override readonly name = 'PublishDeadlineExceededError';

  constructor(
    readonly deadlineMs: number,
    readonly attempts: number,
    options: { cause?: unknown } = {},
  ) {
    super(`not accepted by Kinesis within ${deadlineMs} ms (${attempts} attempts)`, options);
  }
}

/** Kinesis refused one record of a `PutRecords` call (its `ErrorCode`, `ErrorMessage`). */
export class RecordRejectedError extends Error {
  override readonly name = 'RecordRejectedError';

  constructor(
    readonly errorCode: string,
    errorMessage: string | undefined,
  ) {
    super(`${errorCode}: ${errorMessage ?? 'no message'}`);
  }
}
