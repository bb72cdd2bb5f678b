/** The presigned upload can no longer be completed: it was deleted, or its grant expired: 410. */
export class PresignedUploadGoneError extends Error {
  override readonly name = 'PresignedUploadGoneError';
}
