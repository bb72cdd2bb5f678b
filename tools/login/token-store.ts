import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What `npm run login` keeps between runs. */
export interface StoredTokens {
  /** The authorization server (Cognito domain or local endpoint) that issued them. */
  authServer: string;
  clientId: string;
  accessToken: string;
  idToken: string;
  refreshToken: string;
  /** When the access token stops being usable (ISO 8601). */
  expiresAt: string;
  /** When the last login or refresh happened (ISO 8601). */
  obtainedAt: string;
}

/**
 * A JSON file of tokens readable by the user alone: the folder is created 0700 and the file
 * is written 0600 (through a temporary file of the same mode, renamed into place, so no other
 * user ever sees it and a crash never leaves half a file).
 */
export class TokenStore {
  constructor(readonly file: string) {}

  /** The stored tokens, or undefined when there are none or the file is not ours to trust. */
  async read(): Promise<StoredTokens | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const tokens = JSON.parse(text) as Partial<StoredTokens>;
      const fields = ['authServer', 'clientId', 'accessToken', 'idToken', 'refreshToken', 'expiresAt', 'obtainedAt'] as const;
      return fields.every((field) => typeof tokens[field] === 'string') ? (tokens as StoredTokens) : undefined;
    } catch {
      return undefined;
    }
  }

  async write(tokens: StoredTokens): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
    // The mode of writeFile is filtered by the umask and ignored for an existing file: set it outright.
    await chmod(temporary, 0o600);
    await rename(temporary, this.file);
  }

  /** Removes the stored tokens (nothing to do when there are none). */
  async remove(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
