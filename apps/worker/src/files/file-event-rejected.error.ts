/**
 * A `file.uploaded` event that can never be stored however often it is delivered (wrong
 * payload version, bytes that do not match their size or sha256, a body kind this worker
 * cannot read). Not retriable: the transport dead-letters the record and the shard moves on.
 */
export class FileEventRejectedError extends Error {
  override readonly name = 'FileEventRejectedError';

  constructor(
    /** The upload the event was about, when it got far enough to know. */
    readonly uploadId: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
