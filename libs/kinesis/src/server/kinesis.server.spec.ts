import { KinesisClient, ListShardsCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { firstValueFrom, Subject, timer, map } from 'rxjs';
import { KinesisContext } from '../ctx-host/kinesis.context';
import { InvalidKinesisOptionsError } from '../errors/invalid-kinesis-options.error';
import type { KinesisPacket } from '../kinesis-packet';
import { KinesisStatus } from './kinesis.events';
import { ServerKinesis } from './kinesis.server';
import type { ServerKinesisOptions } from './kinesis-server.options';

const kinesis = new KinesisClient({ region: 'us-east-1' });
const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const kinesisMock = mockClient(kinesis);
const dynamoMock = mockClient(dynamodb);

const options = (overrides: Partial<ServerKinesisOptions> = {}): ServerKinesisOptions => ({
  streamName: 's',
  kinesis,
  leases: { dynamodb, tableName: 'leases', workerId: 'w' },
  deadLetters: { send: async () => undefined },
  ...overrides,
});

const listenResult = (server: ServerKinesis) =>
  new Promise<unknown>((resolve) => server.listen((error?: unknown) => resolve(error)));

const packet: KinesisPacket = { pattern: 'p', id: '1', occurred_at: 't', headers: {}, data: { n: 1 } };
const context = new KinesisContext(['s', 'shard', '1', 'pk', new Date(), packet, 1]);
/** The private dispatch, which decides when a record counts as handled. */
const dispatch = (server: ServerKinesis) =>
  (server as unknown as { dispatch(p: KinesisPacket, c: KinesisContext): Promise<void> }).dispatch(packet, context);

beforeEach(() => {
  kinesisMock.reset();
  dynamoMock.reset();
});

describe('ServerKinesis', () => {
  it('passes invalid options to the listen callback', async () => {
    const server = new ServerKinesis(options({ maxAttempts: 0 }));
    await expect(listenResult(server)).resolves.toBeInstanceOf(InvalidKinesisOptionsError);
  });

  it('passes a missing stream to the listen callback', async () => {
    kinesisMock.on(ListShardsCommand).rejects(new ResourceNotFoundException({ message: 'no stream', $metadata: {} }));
    const server = new ServerKinesis(options());
    await expect(listenResult(server)).resolves.toBeInstanceOf(ResourceNotFoundException);
  });

  it('starts despite an outage, reports it on status, and waits it out', async () => {
    kinesisMock.on(ListShardsCommand).rejects(new Error('connect ECONNREFUSED'));
    const server = new ServerKinesis(options({ retryBackoff: { initialMs: 1, maxMs: 5 } }));
    try {
      await expect(listenResult(server)).resolves.toBeUndefined();
      await expect(firstValueFrom(server.status)).resolves.toBe(KinesisStatus.RECONNECTING);
      kinesisMock.on(ListShardsCommand).resolves({ Shards: [] });
      dynamoMock.on(ScanCommand).resolves({ Items: [] });
      const deadline = Date.now() + 3_000;
      let status: string | undefined;
      const sub = server.status.subscribe((s) => (status = s));
      while (status !== KinesisStatus.CONNECTED && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      sub.unsubscribe();
      expect(status).toBe(KinesisStatus.CONNECTED);
    } finally {
      await server.close();
    }
    await expect(firstValueFrom(server.status)).resolves.toBe(KinesisStatus.DISCONNECTED);
  });

  it('counts a handler returning an Observable as done only when it completes', async () => {
    const server = new ServerKinesis(options());
    const values = new Subject<number>();
    server.addHandler('p', async () => values.asObservable(), true);
    let settled = false;
    const done = dispatch(server).then(() => (settled = true));
    values.next(1);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    values.complete();
    await done;
    expect(settled).toBe(true);
  });

  it('rejects when the Observable errors, and when a Promise handler rejects', async () => {
    const server = new ServerKinesis(options());
    server.addHandler('p', async () => timer(1).pipe(map(() => { throw new Error('late failure'); })), true);
    await expect(dispatch(server)).rejects.toThrow('late failure');
    const other = new ServerKinesis(options());
    other.addHandler('p', async () => { throw new Error('early failure'); }, true);
    await expect(dispatch(other)).rejects.toThrow('early failure');
  });

  it('runs the handler inside the processing hooks', async () => {
    const server = new ServerKinesis(options());
    const calls: string[] = [];
    server.addHandler('p', async () => void calls.push('handler'), true);
    server.setOnProcessingStartHook((_id, _ctx, done) => {
      calls.push('start');
      return done();
    });
    server.setOnProcessingEndHook(() => calls.push('end'));
    await dispatch(server);
    expect(calls).toEqual(['start', 'handler', 'end']);
  });

  it('unwraps to its KinesisClient', () => {
    expect(new ServerKinesis(options()).unwrap<KinesisClient>()).toBe(kinesis);
  });
});
