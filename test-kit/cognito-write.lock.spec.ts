import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COGNITO_WRITE_LOCK, withCognitoWriteLock } from './cognito-write.lock';

describe('withCognitoWriteLock', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cognito-lock-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs one body at a time, however many callers wait', async () => {
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withCognitoWriteLock(dir, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 15));
          order.push(i);
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(existsSync(join(dir, COGNITO_WRITE_LOCK))).toBe(false);
  });

  it('returns the body\'s value and releases the lock when the body throws', async () => {
    await expect(withCognitoWriteLock(dir, async () => 42)).resolves.toBe(42);
    await expect(withCognitoWriteLock(dir, async () => Promise.reject(new Error('sign-up failed')))).rejects.toThrow('sign-up failed');
    expect(existsSync(join(dir, COGNITO_WRITE_LOCK))).toBe(false);
  });

  it('takes over a lock left behind by a crashed holder', async () => {
    const lock = join(dir, COGNITO_WRITE_LOCK);
    await mkdir(lock);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await expect(withCognitoWriteLock(dir, async () => 'ran', { staleMs: 30_000, timeoutMs: 1_000 })).resolves.toBe('ran');
  });

  it('gives up waiting for a live holder after the timeout, naming the lock', async () => {
    await mkdir(join(dir, COGNITO_WRITE_LOCK));
    await expect(withCognitoWriteLock(dir, async () => 'never', { timeoutMs: 200 })).rejects.toThrow(/Timed out after 200 ms waiting for .*cognito-writes\.lock/);
  });
});
