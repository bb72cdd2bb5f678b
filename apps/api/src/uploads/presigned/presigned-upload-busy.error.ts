/** Another request is completing the same upload and has not finished within the wait: 409, retry. */
export class PresignedUploadBusyError extends Error {
  override readonly name = 'PresignedUploadBusyError';
}
