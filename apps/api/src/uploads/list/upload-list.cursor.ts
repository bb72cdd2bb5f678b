import { LIST_KEY_PATTERN } from '@lib/upload-status';

/** A `cursor` that is not the `next` of a listing page. */
export class InvalidListCursorError extends Error {
  constructor() {
    super('cursor is not the "next" of a previous page');
    this.name = 'InvalidListCursorError';
  }
}

/**
 * The `next` of `GET /uploads`: opaque to clients (base64url), so the key behind it can change.
 * It names only a place in the caller's own list, whose owner always comes from the token, so a
 * forged cursor can at most skip some of the caller's own uploads, never reach anyone else's.
 */
export const UploadListCursor = {
  encode(listKey: string): string {
    return Buffer.from(listKey, 'utf8').toString('base64url');
  },

  /** @throws InvalidListCursorError unless the cursor decodes to a list key */
  decode(cursor: string): string {
    const listKey = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
    if (!LIST_KEY_PATTERN.test(listKey)) throw new InvalidListCursorError();
    return listKey;
  },
};
