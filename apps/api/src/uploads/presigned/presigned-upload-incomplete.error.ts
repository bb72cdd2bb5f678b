/** The presigned upload exists, but its bytes are not (or not rightly) in S3 yet: 409. */
export class PresignedUploadIncompleteError extends Error {
  override readonly name = 'PresignedUploadIncompleteError';
}
