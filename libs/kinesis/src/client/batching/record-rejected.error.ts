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
