/** An upload over `UPLOAD_MAX_BYTES`: refused with 413, and nothing of it is kept. */
export class UploadTooLargeError extends Error {
  override readonly name = 'UploadTooLargeError';

  constructor(readonly limit: number) {
    super(`The file is larger than the limit of ${limit} bytes`);
  }
}
