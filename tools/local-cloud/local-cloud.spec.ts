// Starts the real stand-ins (in-process and cognito-local) on free ports in a temp folder:
// about a second per start, and the only way to know that seeding is idempotent.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import { LOCAL_NAMES, readOutputs } from './local-cloud.outputs';
import { FREE_PORTS } from './local-cloud.options';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { UploadListingRepository } from '@lib/upload-status';
import { Redis } from 'ioredis';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { waitFor } from '../../test-kit/wait-for';
import { redisServerAvailable } from '../../test-kit/redis-server';
import { REDIS_INSTALL_COMMAND } from './redis-server.process';
import { createLocalAwsClients } from './local-aws.clients';

jest.setTimeout(20_000);

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

  const start = async () => (cloud = await startLocalCloud({ dir, ports: FREE_PORTS, log: (line) => log.push(line) }));

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
    await expect(startLocalCloud({ dir, ports: FREE_PORTS })).rejects.toThrow(/already running/);
    await cloud!.stop();
    expect(existsSync(join(dir, 'local-cloud.pid'))).toBe(false);
  });

  it('gives an uploads table kept from before the owner index that index, and its uploads list keys', async () => {
    const { outputs } = await start();
    const clients = createLocalAwsClients(outputs.endpoints);
    const table = LOCAL_NAMES.uploadsTable;
    const id = '00000000-0000-4000-8000-0000000000aa';
    const facts = { file_key: `uploads/${id}.txt`, owner_sub: 'old-owner', size: 1, content_type: 'text/plain', accepted_at: '2025-01-01T00:00:00.000Z' };
    try {
      const status = () => clients.dynamodb.send(new DescribeTableCommand({ TableName: table })).then((r) => r.Table?.TableStatus, () => 'gone');
      await clients.dynamodb.send(new DeleteTableCommand({ TableName: table }));
      await waitFor(async () => (await status()) === 'gone', { description: 'the seeded table to be deleted' });
      await clients.dynamodb.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
      await waitFor(async () => (await status()) === 'ACTIVE', { description: 'the old-style table to be ACTIVE' });
      const documents = DynamoDBDocumentClient.from(clients.dynamodb);
      await documents.send(new PutCommand({ TableName: table, Item: { ...facts, id: `pending#${id}`, status: 'pending', updated_at: facts.accepted_at } }));
      await documents.send(new PutCommand({ TableName: table, Item: { ...facts, id, status: 'stored', updated_at: '2025-01-01T00:00:01.000Z' } }));
      await cloud!.stop();

      const restarted = await start();
      const again = createLocalAwsClients(restarted.outputs.endpoints);
      try {
        const { Table } = await again.dynamodb.send(new DescribeTableCommand({ TableName: table }));
        expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['by-owner']);
        const listing = new UploadListingRepository(DynamoDBDocumentClient.from(again.dynamodb), table);
        const page = await listing.list('old-owner', { limit: 10 });
        const { owner_sub: _owner, ...shown } = facts;
        expect(page.uploads).toEqual([{ ...shown, id, status: 'stored', updated_at: '2025-01-01T00:00:01.000Z' }]);
      } finally {
        again.destroy();
      }
    } finally {
      clients.destroy();
    }
  });

  it('wipes the folder first with reset', async () => {
    const first = readOutputs(dir)!;
    const { outputs } = await (cloud = await startLocalCloud({ dir, ports: FREE_PORTS, reset: true }));
    expect(outputs.clientId).not.toBe(first.clientId);
  });

  const itWithRedis = redisServerAvailable('the local cloud’s redis-server test') ? it : it.skip;

  itWithRedis('runs redis-server for the api’s shared rate limits, gives the apps its URL, and stops it with the rest', async () => {
    const { outputs } = await start();
    expect(outputs.endpoints.redis).toBe(`redis://127.0.0.1:${outputs.ports.redis}`);
    const client = new Redis(outputs.endpoints.redis!, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
    await cloud!.stop();
    cloud = undefined;
    await waitFor(() => refusesConnections(outputs.ports.redis) || undefined, { timeoutMs: 5_000, description: 'redis-server to stop' });
  });

  it('runs without redis-server where it is not installed, saying so once with the command that installs it', async () => {
    const savedPath = process.env.PATH;
    // Only node's own folder: no redis-server there.
    process.env.PATH = dirname(process.execPath);
    const lines: string[] = [];
    try {
      cloud = await startLocalCloud({ dir, ports: FREE_PORTS, log: (line) => lines.push(line) });
    } finally {
      process.env.PATH = savedPath;
    }
    expect(cloud.outputs.endpoints.redis).toBeUndefined();
    expect(cloud.outputs.ports.redis).toBe(0);
    const warnings = lines.filter((line) => line.includes('redis-server'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(REDIS_INSTALL_COMMAND);
  });
});

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
