/** A body in a Content-Encoding the api cannot decode (anything but identity, gzip, deflate, br): 415. */
export class UnsupportedContentEncodingError extends Error {
  override readonly name = 'UnsupportedContentEncodingError';

  constructor(readonly encoding: string) {
    super(`Content-Encoding "${encoding}" is not supported (use identity, gzip, deflate or br)`);
  }
}
