import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Name of the lock directory inside the local cloud's folder. */
export const COGNITO_WRITE_LOCK = 'cognito-writes.lock';

export interface CognitoWriteLockOptions {
  /** Give up waiting after this long; default 60 s. */
  timeoutMs?: number;
  /**
   * A lock older than this is taken to be left behind by a crashed holder (a killed jest
   * worker) and removed; default 30 s, far beyond what a sign-up and a login take.
   */
  staleMs?: number;
}

/**
 * Runs `body` while holding a lock shared by every process of the test run (jest runs suites
 * in several worker processes). cognito-local keeps its pools in memory but rewrites the whole
 * JSON file after every change (sign-ups, passwords, groups, and logins, which store refresh
 * tokens) with unsynchronised async writes: two at once can leave the file unreadable, and
 * the next start on that folder fails (DESIGN §4). The lock is a directory in the local
 * cloud's folder: `mkdir` either creates it or fails, atomically, on every platform.
 *
 * A stale lock is removed by age only, so two waiters could both remove one and both go on;
 * that needs a crashed holder first and is accepted for test code.
 */
export async function withCognitoWriteLock<T>(
  localCloudDir: string,
  body: () => Promise<T>,
  { timeoutMs = 60_000, staleMs = 30_000 }: CognitoWriteLockOptions = {},
): Promise<T> {
  const lock = join(localCloudDir, COGNITO_WRITE_LOCK);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const since = await lockAgeMs(lock);
    if (since !== undefined && since > staleMs) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${lock} (another test is writing to cognito-local)`);
    }
    // Jitter, so that waiters in several processes do not retry in lockstep.
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
  }
  try {
    return await body();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function lockAgeMs(lock: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs;
  } catch {
    return undefined; // released meanwhile
  }
}
