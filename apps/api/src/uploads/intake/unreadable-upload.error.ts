/**
 * An upload the api cannot take as it was sent (empty, no "file" field, a broken multipart
 * form, a body cut short): the client's fault, answered with 400.
 */
export class UnreadableUploadError extends Error {
  override readonly name = 'UnreadableUploadError';
}
