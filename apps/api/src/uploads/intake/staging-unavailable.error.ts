/**
 * S3 did not take a staged upload (or its bytes could not be read back): the bucket's
 * trouble, not the client's, answered with 503 and `Retry-After` like a stream outage.
 */
export class StagingUnavailableError extends Error {
  override readonly name: string = 'StagingUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
