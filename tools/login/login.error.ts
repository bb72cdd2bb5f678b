/** A login that cannot complete; the message says why and what to do, and never contains a token. */
export class LoginError extends Error {
  override readonly name = 'LoginError';

  /**
   * @param oauthError the OAuth `error` code when the authorization server sent one
   *   (`invalid_grant` on a refresh means: log in again).
   */
  constructor(
    message: string,
    readonly oauthError?: string,
  ) {
    super(message);
  }
}
