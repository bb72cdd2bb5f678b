import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { KinesisContext } from '../ctx-host/kinesis.context';
import type { DeadLetter } from '../dead-letter/dead-letter';
import { KinesisRetriableException } from '../errors/kinesis-retriable.exception';
import { LeaseLostError } from '../errors/lease-lost.error';
import { encodePacket } from '../kinesis-packet.codec';
import { aggregate } from '../aggregation/kpl-aggregation';
import { LeaseManager } from '../leases/lease.manager';
import { requestReplay } from '../leases/replay';
import { ServerKinesis } from './kinesis.server';
import type { TrimmedGap } from './shard.consumer';

// In-process stand-ins on free ports: this spec needs no global setup.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite = require('kinesalite');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite');

const STREAM = 'int-events';
const TABLE = 'int-leases';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function listen(server: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Put {
  shardId: string;
  seq: string;
  n: number;
}

describe('ServerKinesis against kinesalite and dynalite', () => {
  let kinesisServer: HttpServer;
  let dynamoServer: HttpServer;
  let kinesis: KinesisClient;
  let dynamodb: DynamoDBDocumentClient;
  const handled: { n: number; shardId: string; seq: string; worker: string }[] = [];
  const letters: DeadLetter[] = [];
  const attemptsOf = new Map<number, number>();

  beforeAll(async () => {
    kinesisServer = kinesalite({ createStreamMs: 0, shardLimit: 100 });
    dynamoServer = dynalite({ createTableMs: 0 });
    const [kinesisUrl, dynamoUrl] = await Promise.all([listen(kinesisServer), listen(dynamoServer)]);
    kinesis = new KinesisClient({ region: 'us-east-1', endpoint: kinesisUrl, credentials, requestHandler: new NodeHttpHandler() });
    dynamodb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', endpoint: dynamoUrl, credentials, requestHandler: new NodeHttpHandler() }),
    );
    await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'lease_key', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'lease_key', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await until('stream and table', async () => {
      const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
      const table = await dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));
      return stream.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' && table.Table?.TableStatus === 'ACTIVE';
    });
  });

  afterAll(async () => {
    kinesis?.destroy();
    dynamodb?.destroy();
    await Promise.all([kinesisServer, dynamoServer].map((s) => new Promise((resolve) => s?.close(resolve))));
  });

  async function put(n: number, pattern = 'test.event', raw?: string, streamName = STREAM): Promise<Put> {
    const data = raw !== undefined ? Buffer.from(raw) : encodePacket({ pattern, id: `e-${n}`, occurred_at: new Date().toISOString(), headers: {}, data: { n } });
    const out = await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: `key-${n % 7}`, Data: data }));
    return { shardId: out.ShardId!, seq: out.SequenceNumber!, n };
  }

  function serverNamed(worker: string, streamName = STREAM, maxConcurrentRecordsPerShard = 1): ServerKinesis {
    const server = new ServerKinesis({
      maxConcurrentRecordsPerShard,
      streamName,
      kinesis,
      leases: { dynamodb, tableName: TABLE, workerId: worker, leaseDurationMs: 3_000 },
      deadLetters: { send: async (letter) => void letters.push(letter) },
      idleTimeBetweenReadsMs: 50,
      shardSyncIntervalMs: 500,
      maxAttempts: 2,
      retryBackoff: { initialMs: 10, maxMs: 50 },
    });
    server.addHandler(
      'test.event',
      async (data: { n: number }, ctx: KinesisContext) => {
        // One record needs three tries (an "outage"): it must be handled, never skipped.
        if (data.n === 5 && ctx.getAttempt() < 3) throw new KinesisRetriableException('dependency down');
        handled.push({ n: data.n, shardId: ctx.getShardId(), seq: ctx.getSequenceNumber(), worker });
        attemptsOf.set(data.n, ctx.getAttempt());
      },
      true,
    );
    server.addHandler('test.fails', async () => Promise.reject(new Error('always fails')), true);
    return server;
  }

  async function createActiveStream(name: string, shardCount: number): Promise<void> {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
    await until(`stream ${name}`, async () =>
      (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE' || undefined,
    );
  }

  async function start(server: ServerKinesis): Promise<void> {
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
  }

  const checkpointOf = async (shardId: string) =>
    (await dynamodb.send(new GetCommand({ TableName: TABLE, Key: { lease_key: `${STREAM}/${shardId}` }, ConsistentRead: true })))
      .Item;

  it('handles every record once in shard order, dead-letters poison, checkpoints, and resumes after a restart', async () => {
    const first: Put[] = [];
    for (let n = 0; n < 12; n++) first.push(await put(n));
    const poison = await put(100, 'test.event', 'this is not json');
    const failing = await put(101, 'test.fails');
    for (let n = 12; n < 24; n++) first.push(await put(n));
    expect(new Set(first.map((p) => p.shardId)).size).toBe(2);

    const a = serverNamed('worker-a');
    await start(a);
    await until('first batch handled', () => handled.length >= first.length || undefined);
    await until('two dead letters', () => letters.length >= 2 || undefined);

    expect(handled.map((h) => h.n).sort((x, y) => x - y)).toEqual(first.map((p) => p.n));
    for (const shardId of new Set(first.map((p) => p.shardId))) {
      const expected = first.filter((p) => p.shardId === shardId).map((p) => p.seq);
      expect(handled.filter((h) => h.shardId === shardId).map((h) => h.seq)).toEqual(expected);
    }
    expect(attemptsOf.get(5)).toBe(3);
    expect(letters.find((l) => l.sequence_number === poison.seq)).toMatchObject({
      reason: 'malformed-record',
      shard_id: poison.shardId,
      data_base64: Buffer.from('this is not json').toString('base64'),
    });
    expect(letters.find((l) => l.sequence_number === failing.seq)).toMatchObject({ reason: 'handler-failed', attempts: 2 });

    const lastOf = (shardId: string) => [...first, poison, failing].filter((p) => p.shardId === shardId).sort((x, y) => (BigInt(x.seq) < BigInt(y.seq) ? -1 : 1)).at(-1)!.seq;
    for (const shardId of new Set(first.map((p) => p.shardId))) {
      await until(`checkpoint of ${shardId}`, async () => (await checkpointOf(shardId))?.checkpoint === lastOf(shardId) || undefined);
    }

    await a.close();
    for (const shardId of new Set(first.map((p) => p.shardId))) {
      expect((await checkpointOf(shardId))?.lease_owner).toBeUndefined();
    }

    const second: Put[] = [];
    for (let n = 200; n < 210; n++) second.push(await put(n));
    const b = serverNamed('worker-b');
    await start(b);
    try {
      await until('second batch handled', () => handled.filter((h) => h.worker === 'worker-b').length >= second.length || undefined);
      const byB = handled.filter((h) => h.worker === 'worker-b').map((h) => h.n).sort((x, y) => x - y);
      expect(byB).toEqual(second.map((p) => p.n));
      expect(letters).toHaveLength(2);
    } finally {
      await b.close();
    }
  });

  it('says which records were trimmed unread when a shard resumes from a checkpoint older than the retention', async () => {
    const stream = 'int-gap';
    await createActiveStream(stream, 1);
    const early = [await put(400, 'test.event', undefined, stream), await put(401, 'test.event', undefined, stream)];
    const leaseOf = async () =>
      (await dynamodb.send(new GetCommand({ TableName: TABLE, Key: { lease_key: `${stream}/${early[0].shardId}` }, ConsistentRead: true }))).Item;

    const a = serverNamed('gap-a', stream);
    await start(a);
    await until('the checkpoint with its record\'s arrival', async () => {
      const lease = await leaseOf();
      return (lease?.checkpoint === early[1].seq && typeof lease.checkpoint_arrival_ms === 'number') || undefined;
    });
    const arrival = (await leaseOf())!.checkpoint_arrival_ms as number;
    expect(Math.abs(arrival - Date.now())).toBeLessThan(60_000);
    await a.close();

    // The workers stay down for longer than the stream's retention (kinesalite's: 24 h).
    const downSince = Date.now() - 25 * 3_600_000;
    await dynamodb.send(
      new UpdateCommand({ TableName: TABLE, Key: { lease_key: `${stream}/${early[0].shardId}` }, UpdateExpression: 'SET checkpoint_arrival_ms = :t', ExpressionAttributeValues: { ':t': downSince } }),
    );
    const later = await put(402, 'test.event', undefined, stream);
    const gaps: TrimmedGap[] = [];
    const b = serverNamed('gap-b', stream);
    b.on('records-trimmed', (gap: TrimmedGap) => gaps.push(gap));
    await start(b);
    try {
      await until('the record after the gap handled', () => handled.some((h) => h.seq === later.seq) || undefined);
      expect(gaps).toHaveLength(1);
      expect(gaps[0].shardId).toBe(early[0].shardId);
      expect(gaps[0].fromMs).toBe(downSince);
      expect(Math.abs(gaps[0].toMs - (Date.now() - 24 * 3_600_000))).toBeLessThan(60_000);
    } finally {
      await b.close();
    }
  });

  it('reads a split shard to its end before its children', async () => {
    const stream = 'int-split';
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    const active = async () =>
      (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE' || undefined;
    await until('split stream', active);
    const before: Put[] = [];
    for (let n = 300; n < 310; n++) before.push(await put(n, 'test.event', undefined, stream));
    const parent = before[0].shardId;
    await kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: parent, NewStartingHashKey: (2n ** 127n).toString() }));
    await until('split done', active);
    const after: Put[] = [];
    for (let n = 310; n < 320; n++) after.push(await put(n, 'test.event', undefined, stream));
    expect(after.every((p) => p.shardId !== parent)).toBe(true);

    const server = serverNamed('worker-split', stream);
    await start(server);
    try {
      const mine = () => handled.filter((h) => h.worker === 'worker-split');
      await until('all split records handled', () => mine().length >= before.length + after.length || undefined);
      const order = mine().map((h) => h.n);
      // Children start only once their parent is read to its end: every parent record first.
      expect(order.slice(0, before.length).sort((x, y) => x - y)).toEqual(before.map((p) => p.n));
      expect(mine().slice(0, before.length).map((h) => h.seq)).toEqual(before.map((p) => p.seq));
      const parentLease = await dynamodb.send(new GetCommand({ TableName: TABLE, Key: { lease_key: `${stream}/${parent}` } }));
      expect(parentLease.Item?.checkpoint).toBe('SHARD_END');
      expect(new Set(mine().map((h) => h.n)).size).toBe(20);
    } finally {
      await server.close();
    }
  });

  it('refuses the checkpoint of a zombie whose lease was taken over', async () => {
    let now = 1_000_000;
    const managerOf = (workerId: string) =>
      new LeaseManager({ dynamodb, tableName: TABLE, streamName: 'zombie-stream', workerId, leaseDurationMs: 1_000, now: () => now });
    const zombie = managerOf('zombie');
    const successor = managerOf('successor');
    await zombie.create('shard-z', []);
    const [seen] = await zombie.list();
    const zombieLease = (await zombie.take(seen))!;
    await zombie.checkpoint(zombieLease, '10');

    now += 5_000; // the zombie stalls past its expiry
    const [expired] = await successor.list();
    expect(successor.isAvailable(expired)).toBe(true);
    const successorLease = (await successor.take(expired))!;
    await successor.checkpoint(successorLease, '20');

    await expect(zombie.checkpoint(zombieLease, '15')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(zombie.renew(zombieLease)).rejects.toBeInstanceOf(LeaseLostError);
    const [after] = await successor.list();
    expect(after).toMatchObject({ owner: 'successor', checkpoint: '20' });
  });

  it('balances leases to a fair share by graceful handoff (8 records in flight per shard): nothing lost, nothing handled twice', async () => {
    const stream = 'int-balance';
    await createActiveStream(stream, 4);
    const ownersOf = async () => {
      const owners = new Map<string, number>();
      for (const lease of await new LeaseManager({ dynamodb, tableName: TABLE, streamName: stream, workerId: 'probe', leaseDurationMs: 1 }).list()) {
        if (lease.owner) owners.set(lease.owner, (owners.get(lease.owner) ?? 0) + 1);
      }
      return owners;
    };
    const mine = () => handled.filter((h) => h.worker.startsWith('balance-'));
    const puts: Put[] = [];
    for (let n = 1000; n < 1040; n++) puts.push(await put(n, 'test.event', undefined, stream));

    const a = serverNamed('balance-a', stream, 8);
    await start(a);
    let b: ServerKinesis | undefined;
    try {
      await until('a holds all four', async () => (await ownersOf()).get('balance-a') === 4 || undefined);
      b = serverNamed('balance-b', stream, 8);
      await start(b);
      for (let n = 1040; n < 1080; n++) puts.push(await put(n, 'test.event', undefined, stream));
      await until('two leases each', async () => {
        const owners = await ownersOf();
        return (owners.get('balance-a') === 2 && owners.get('balance-b') === 2) || undefined;
      });
      for (let n = 1080; n < 1120; n++) puts.push(await put(n, 'test.event', undefined, stream));
      await until('every record handled', () => mine().length >= puts.length || undefined);
      await new Promise((resolve) => setTimeout(resolve, 300)); // room for a wrongly repeated record to show up
      const counts = new Map<number, number>();
      for (const h of mine()) counts.set(h.n, (counts.get(h.n) ?? 0) + 1);
      expect([...counts.keys()].sort((x, y) => x - y)).toEqual(puts.map((p) => p.n));
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      expect(new Set(mine().filter((h) => h.n >= 1080).map((h) => h.worker))).toEqual(new Set(['balance-a', 'balance-b']));
    } finally {
      await b?.close();
      await a.close();
    }
  });

  it('opens KPL aggregated records: each user record handled once, a bad one dead-lettered with its sub-sequence', async () => {
    const stream = 'int-kpl';
    await createActiveStream(stream, 1);
    const packet = (n: number) => encodePacket({ pattern: 'test.event', id: `e-${n}`, occurred_at: new Date().toISOString(), headers: {}, data: { n } });
    const users = [
      { partitionKey: 'user-a', data: packet(2000) },
      { partitionKey: 'user-b', data: Buffer.from('not a packet') },
      { partitionKey: 'user-a', data: packet(2001) },
    ];
    const out = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'agg', Data: aggregate(users) }));
    await put(2002, 'test.event', undefined, stream);

    const server = serverNamed('worker-kpl', stream);
    await start(server);
    try {
      const mine = () => handled.filter((h) => h.worker === 'worker-kpl');
      await until('user records handled', () => mine().length >= 3 || undefined);
      await until('the bad user record dead-lettered', () => letters.find((l) => l.stream === stream) ?? undefined);
      expect(mine().map((h) => h.n)).toEqual([2000, 2001, 2002]);
      expect(letters.find((l) => l.stream === stream)).toMatchObject({
        reason: 'malformed-record',
        sequence_number: out.SequenceNumber,
        sub_sequence_number: 1,
        partition_key: 'user-b',
        data_base64: Buffer.from('not a packet').toString('base64'),
      });
    } finally {
      await server.close();
    }
  });

  it('replays from a timestamp while the worker runs: exactly the records after it are handled again', async () => {
    const stream = 'int-replay';
    await createActiveStream(stream, 2);
    const mine = () => handled.filter((h) => h.worker === 'worker-replay');
    const countOf = (n: number) => mine().filter((h) => h.n === n).length;
    const before: Put[] = [];
    for (let n = 3000; n < 3010; n++) before.push(await put(n, 'test.event', undefined, stream));
    const server = serverNamed('worker-replay', stream, 4);
    await start(server);
    try {
      await until('first records handled', () => before.every((p) => countOf(p.n) === 1) || undefined);
      // The replay point: strictly after every earlier arrival, strictly before every later one.
      const replayFrom = new Date(Date.now() + 5);
      await until('the clock passed the replay point', () => Date.now() > replayFrom.getTime() + 5 || undefined);
      const after: Put[] = [];
      for (let n = 3010; n < 3020; n++) after.push(await put(n, 'test.event', undefined, stream));
      await until('later records handled', () => after.every((p) => countOf(p.n) === 1) || undefined);

      const manager = new LeaseManager({ dynamodb, tableName: TABLE, streamName: stream, workerId: 'operator', leaseDurationMs: 1 });
      const summary = await requestReplay(manager, { timestamp: replayFrom });
      expect(summary.requested.length + summary.applied.length).toBe(2);

      await until('later records handled again', () => after.every((p) => countOf(p.n) === 2) || undefined);
      await new Promise((resolve) => setTimeout(resolve, 500)); // room for a wrong third delivery or an early record to show up
      expect(before.map((p) => countOf(p.n))).toEqual(before.map(() => 1));
      expect(after.map((p) => countOf(p.n))).toEqual(after.map(() => 2));
      const leases = await manager.list();
      expect(leases.every((lease) => lease.resetTo === undefined)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
