/** Kinesis accepts at most 1 MiB per record, counting the data and the partition key. */
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

/** A record refused before sending because Kinesis would refuse it: never retriable. */
export class RecordTooLargeError extends Error {
  override readonly name = 'RecordTooLargeError';

  constructor(
    readonly pattern: string,
    /** Bytes of data plus partition key. */
    readonly size: number,
    readonly limit: number = KINESIS_MAX_RECORD_BYTES,
  ) {
    super(`record for "${pattern}" is ${size} bytes (data + partition key); Kinesis accepts at most ${limit}`);
  }
}
