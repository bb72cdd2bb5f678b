/** No presigned upload with this id belongs to the caller (unknown, or someone else's): 404. */
export class PresignedUploadNotFoundError extends Error {
  override readonly name = 'PresignedUploadNotFoundError';
}
