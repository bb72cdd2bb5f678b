/**
 * No signing key can be had at all: the JWKS was never loaded and cannot be fetched now.
 * Not the caller's fault, so the guard answers 503 (with `Retry-After`) instead of 401.
 */
export class SigningKeysUnavailableError extends Error {
  override readonly name = 'SigningKeysUnavailableError';

  constructor(
    message: string,
    /** Seconds until the key store may try the JWKS again. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
