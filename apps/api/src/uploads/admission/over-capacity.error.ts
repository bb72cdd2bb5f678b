/** Whose limit was reached: the user's own share (429), or what the api holds for everyone (503). */
export type CapacityScope = 'user' | 'all';

/**
 * An upload refused because a limit on work under way was reached (uploads per user, body
 * bytes in memory, staging slots). Nothing is wrong with the upload itself: the same request
 * succeeds once the client retries after `Retry-After`.
 */
export class OverCapacityError extends Error {
  override readonly name: string = 'OverCapacityError';

  constructor(
    readonly scope: CapacityScope,
    message: string,
  ) {
    super(message);
  }
}
