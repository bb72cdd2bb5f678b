import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cognitoStoreDir, damagedFiles, prepareCognitoStore } from './cognito-store';

describe('prepareCognitoStore', () => {
  let workDir: string;
  const read = (...parts: string[]) => JSON.parse(readFileSync(join(cognitoStoreDir(workDir), ...parts), 'utf8'));

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cognito-store-spec-'));
  });
  afterEach(() => rm(workDir, { recursive: true, force: true }));

  it('pre-creates the pool and the AWS-format issuer on a fresh store', async () => {
    await expect(prepareCognitoStore(workDir)).resolves.toBeUndefined();
    expect(read('config.json')).toEqual({ TokenConfig: { IssuerDomain: 'https://cognito-idp.us-east-1.amazonaws.com' } });
    expect(read('db', 'us-east-1_LocalPool1.json')).toEqual({ Options: { Id: 'us-east-1_LocalPool1' }, Users: {}, Groups: {} });
    expect(existsSync(join(cognitoStoreDir(workDir), 'db', 'clients.json'))).toBe(false);
  });

  it('leaves an intact store alone', async () => {
    await prepareCognitoStore(workDir);
    const pool = join(cognitoStoreDir(workDir), 'db', 'us-east-1_LocalPool1.json');
    await writeFile(pool, JSON.stringify({ Options: { Id: 'us-east-1_LocalPool1' }, Users: { a: {} } }));
    await expect(prepareCognitoStore(workDir)).resolves.toBeUndefined();
    expect(read('db', 'us-east-1_LocalPool1.json').Users).toEqual({ a: {} });
  });

  it('moves a damaged store aside and starts a fresh one that keeps the previous client id', async () => {
    await mkdir(join(cognitoStoreDir(workDir), 'db'), { recursive: true });
    // What two interleaved async writeFile calls leave behind.
    await writeFile(join(cognitoStoreDir(workDir), 'db', 'us-east-1_LocalPool1.json'), '{"Users": {}}\n}"Groups": {}}');
    const moved = await prepareCognitoStore(workDir, 'client-1');
    expect(moved?.damagedFile).toBe(join('db', 'us-east-1_LocalPool1.json'));
    expect(existsSync(join(moved!.movedTo, 'db', 'us-east-1_LocalPool1.json'))).toBe(true);
    expect(await damagedFiles(cognitoStoreDir(workDir))).toEqual([]);
    expect(read('db', 'clients.json').Clients['client-1']).toMatchObject({
      ClientId: 'client-1',
      UserPoolId: 'us-east-1_LocalPool1',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });
});
