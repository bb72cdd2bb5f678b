// Starts the real stand-ins (in-process and cognito-local) on free ports in a temp folder:
// about a second per start, and the only way to know that seeding is idempotent.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import { readOutputs } from './local-cloud.outputs';

jest.setTimeout(20_000);

const FREE = { kinesis: 0, s3: 0, dynamodb: 0, cognito: 0 };
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('startLocalCloud', () => {
  let dir: string;
  let cloud: LocalCloud | undefined;
  const log: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-cloud-spec-'));
  });
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const start = async () => (cloud = await startLocalCloud({ dir, ports: FREE, log: (line) => log.push(line) }));

  it('seeds a fresh folder and logs the demo user in with the AWS-format issuer', async () => {
    const { outputs } = await start();
    expect(readOutputs(dir)).toEqual(outputs);
    expect(outputs.jwksUri).toBe(`${outputs.endpoints.cognito}/us-east-1_LocalPool1/.well-known/jwks.json`);
    const tokens = await cloud!.login(outputs.demoUser.username, outputs.demoUser.password);
    expect(claims(tokens.accessToken)).toMatchObject({
      iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool1',
      token_use: 'access',
      client_id: outputs.clientId,
      username: 'demo@example.com',
    });
  });

  it('reuses the client id and the demo password on a second start', async () => {
    const first = readOutputs(dir)!;
    const { outputs } = await start();
    expect(outputs.clientId).toBe(first.clientId);
    expect(outputs.demoUser).toEqual(first.demoUser);
    await expect(cloud!.login(outputs.demoUser.username, outputs.demoUser.password)).resolves.toHaveProperty('accessToken');
  });

  it('survives a damaged Cognito store, keeping the client id', async () => {
    const first = readOutputs(dir)!;
    await writeFile(join(dir, 'cognito', '.cognito', 'db', 'us-east-1_LocalPool1.json'), '{"Users": {}}\n}garbage');
    const { outputs } = await start();
    expect(log.some((line) => /^Cognito store was damaged \(db\/us-east-1_LocalPool1\.json\): moved it to .+ and re-seeding$/.test(line))).toBe(true);
    expect(outputs.clientId).toBe(first.clientId);
    await expect(cloud!.login(outputs.demoUser.username, outputs.demoUser.password)).resolves.toHaveProperty('accessToken');
  });

  it('refuses a second local cloud on the same folder, and releases it on stop', async () => {
    await start();
    await expect(startLocalCloud({ dir, ports: FREE })).rejects.toThrow(/already running/);
    await cloud!.stop();
    expect(existsSync(join(dir, 'local-cloud.pid'))).toBe(false);
  });

  it('wipes the folder first with reset', async () => {
    const first = readOutputs(dir)!;
    const { outputs } = await (cloud = await startLocalCloud({ dir, ports: FREE, reset: true }));
    expect(outputs.clientId).not.toBe(first.clientId);
  });
});
