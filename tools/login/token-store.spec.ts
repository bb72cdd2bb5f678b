import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore, type StoredTokens } from './token-store';

const TOKENS: StoredTokens = {
  authServer: 'http://127.0.0.1:9229',
  clientId: 'client-1',
  accessToken: 'a.b.c',
  idToken: 'd.e.f',
  refreshToken: 'refresh',
  expiresAt: '2030-01-01T00:00:00.000Z',
  obtainedAt: '2029-12-31T23:00:00.000Z',
};

describe('TokenStore', () => {
  let dir: string;
  let previousUmask: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'token-store-'));
    // A permissive umask would let a careless implementation create a world-readable file.
    previousUmask = process.umask(0o000);
  });

  afterEach(async () => {
    process.umask(previousUmask);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the tokens in a file only the user can read or write, in a folder only the user can enter', async () => {
    const store = new TokenStore(join(dir, 'nested', 'tokens.json'));
    await store.write(TOKENS);
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(await store.read()).toEqual(TOKENS);
  });

  it('tightens a file that already existed with a looser mode', async () => {
    const store = new TokenStore(join(dir, 'tokens.json'));
    await writeFile(store.file, '{}', { mode: 0o644 });
    await store.write(TOKENS);
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual(TOKENS);
  });

  it('reads nothing from a missing, malformed or incomplete file', async () => {
    const store = new TokenStore(join(dir, 'tokens.json'));
    expect(await store.read()).toBeUndefined();
    await writeFile(store.file, 'not json');
    expect(await store.read()).toBeUndefined();
    await writeFile(store.file, JSON.stringify({ ...TOKENS, refreshToken: undefined }));
    expect(await store.read()).toBeUndefined();
  });
});
