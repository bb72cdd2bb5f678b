// The AWS profile through a real local cloud (its own, on free ports, with a fixed seed):
// what an SDK client sees when it writes or reads past a shard's limits, and how long S3 calls
// take. Runs in the e2e project whatever LOCAL_CLOUD_PROFILE says.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbDocumentClient, createKinesisClient, createS3Client, type AwsClientsOptions } from '@lib/aws';
import { cbor } from '@smithy/core/cbor';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWholeStream, recordJson } from '../../../test-kit/faulty-kinesis/read-stream';
import { ensureStream } from '../local-cloud.seeder';
import { startLocalCloud, type LocalCloud } from '../local-cloud';
import { FREE_PORTS } from '../local-cloud.options';
import { AWS_PROFILE_DEFAULTS } from './aws-profile.settings';

const SEED = 20261201;
const THROTTLE_MESSAGE = /^Rate exceeded for shard shardId-\d{12} in stream [\w-]+ under account \d{12}\.$/;

describe('AWS profile (through the local cloud)', () => {
  let dir: string;
  let cloud: LocalCloud;
  let viaProfile: AwsClientsOptions;
  let kinesis: KinesisClient;
  let direct: KinesisClient;
  let s3: S3Client;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aws-profile-int-'));
    cloud = await startLocalCloud({ dir, ports: FREE_PORTS, profile: 'aws', seed: SEED });
    viaProfile = { region: cloud.outputs.region, endpoints: cloud.outputs.endpoints, kinesisMaxAttempts: 1 };
    // One attempt: the test sees exactly what the service answered, not the SDK's retries.
    kinesis = createKinesisClient(viaProfile);
    // Straight to kinesalite, to check what really is in the stream (and to create streams unshaped).
    direct = createKinesisClient({ region: cloud.outputs.region, endpoints: { kinesis: cloud.outputs.profile!.standIns.kinesis } });
    s3 = createS3Client(viaProfile);
    clients.push(kinesis, direct, s3);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await cloud?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes its endpoints (the proxies) and the stand-ins behind them to the outputs', () => {
    const { endpoints, profile } = cloud.outputs;
    expect(profile).toMatchObject({ name: 'aws', seed: SEED });
    for (const service of ['kinesis', 's3', 'dynamodb'] as const) {
      expect(endpoints[service]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints[service]).not.toBe(profile!.standIns[service]);
    }
  });

  async function newStream(shards: number): Promise<string> {
    const name = `aws-profile-${randomUUID().slice(0, 8)}`;
    await ensureStream(direct, name, shards);
    return name;
  }

  const record = (run: string, n: number, bytes = 64) => ({
    Data: Buffer.from(JSON.stringify({ run, n, padding: 'x'.repeat(bytes) })),
    PartitionKey: `${run}-${n}`,
  });

  describe('Kinesis writes past one shard', () => {
    it('PutRecords over 1,000 records/s: per-record ProvisionedThroughputExceededException, call 200, failed records not in the stream', async () => {
      const stream = await newStream(1);
      const run = randomUUID();
      const batches = [0, 1, 2].map((b) => Array.from({ length: 500 }, (_, i) => b * 500 + i));
      const outputs = await Promise.all(
        batches.map((ns) => kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: ns.map((n) => record(run, n)) }))),
      );

      const results = new Map<number, PutRecordsResultEntry>();
      outputs.forEach((output, b) => {
        expect(output.$metadata.httpStatusCode).toBe(200);
        expect(output.FailedRecordCount).toBe(output.Records!.filter((r) => r.ErrorCode).length);
        output.Records!.forEach((entry, i) => results.set(batches[b][i], entry));
      });
      const failed = [...results.values()].filter((r) => r.ErrorCode);
      // 1,500 records at once against a bucket of 1,000 that refills 1 per ms: several hundred fail.
      expect(failed.length).toBeGreaterThanOrEqual(200);
      expect(failed.length).toBeLessThanOrEqual(500);
      for (const entry of failed) {
        expect(entry.ErrorCode).toBe('ProvisionedThroughputExceededException');
        expect(entry.ErrorMessage).toMatch(THROTTLE_MESSAGE);
        expect(entry.ErrorMessage).toContain(stream);
        expect(entry.SequenceNumber).toBeUndefined();
      }
      const succeeded = [...results].filter(([, r]) => !r.ErrorCode).map(([n]) => n);
      const inStream = (await readWholeStream(direct, stream)).map((r) => recordJson<{ n: number }>(r).n);
      expect(inStream.sort((a, b) => a - b)).toEqual(succeeded.sort((a, b) => a - b));
      expect(cloud.awsProfile!.stats().kinesis.recordsThrottled).toBeGreaterThanOrEqual(failed.length);
    });

    it('PutRecord over 1 MiB/s: the SDK raises ProvisionedThroughputExceededException (400), the record is not in the stream', async () => {
      const stream = await newStream(1);
      const run = randomUUID();
      await kinesis.send(new PutRecordCommand({ StreamName: stream, ...record(run, 1, 600 * 1024) }));
      const error = await kinesis.send(new PutRecordCommand({ StreamName: stream, ...record(run, 2, 600 * 1024) })).then(
        () => undefined,
        (e: unknown) => e as ProvisionedThroughputExceededException,
      );
      expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect(error!.$metadata.httpStatusCode).toBe(400);
      expect(error!.message).toMatch(THROTTLE_MESSAGE);
      expect((await readWholeStream(direct, stream)).map((r) => recordJson<{ n: number }>(r).n)).toEqual([1]);
    });

    it('places each record on the shard whose hash key range holds it: a full shard does not throttle its neighbour', async () => {
      const stream = await newStream(2);
      const run = randomUUID();
      const shards = await direct.send(new ListShardsCommand({ StreamName: stream }));
      // ExplicitHashKey pins a record to a range; 0 is the first shard's, 2^128-1 the second's.
      const to = (hashKey: string, n: number) => ({ ...record(run, n), ExplicitHashKey: hashKey });
      const first = Array.from({ length: 500 }, (_, i) => to('0', i));
      const [a, b, c] = await Promise.all([
        kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: first })),
        kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: first.map((r, i) => ({ ...r, PartitionKey: `${run}-x${i}` })) })),
        kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: first.map((r, i) => ({ ...r, PartitionKey: `${run}-y${i}` })) })),
      ]);
      expect((a.FailedRecordCount ?? 0) + (b.FailedRecordCount ?? 0) + (c.FailedRecordCount ?? 0)).toBeGreaterThan(0);
      const other = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: [to(String(2n ** 128n - 1n), 9999)] }));
      expect(other.FailedRecordCount).toBe(0);
      expect(other.Records![0].ShardId).toBe(shards.Shards![1].ShardId);
    });
  });

  it('limits Kinesis CBOR (application/x-amz-cbor-1.1) the same way, answering in CBOR', async () => {
    const stream = await newStream(1);
    const call = (records: { Data: Uint8Array; PartitionKey: string }[]) =>
      fetch(cloud.outputs.endpoints.kinesis, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-cbor-1.1',
          'X-Amz-Target': 'Kinesis_20131202.PutRecords',
          'X-Amz-Date': '20261201T000000Z',
          // kinesalite wants a well-formed SigV4 header; it does not check the signature.
          Authorization: 'AWS4-HMAC-SHA256 Credential=S3RVER/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00',
        },
        body: Buffer.from(cbor.serialize({ StreamName: stream, Records: records })),
      });
    const records = Array.from({ length: 500 }, (_, i) => ({ Data: new Uint8Array(Buffer.from(`cbor-${i}`)), PartitionKey: `k-${i}` }));
    const responses = await Promise.all([call(records), call(records), call(records)]);
    const outputs = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/x-amz-cbor-1.1');
        return cbor.deserialize(new Uint8Array(await response.arrayBuffer())) as { FailedRecordCount: number; Records: { ErrorCode?: string }[] };
      }),
    );
    const failed = outputs.reduce((sum, o) => sum + o.FailedRecordCount, 0);
    expect(failed).toBeGreaterThanOrEqual(200);
    expect(outputs.flatMap((o) => o.Records).filter((r) => r.ErrorCode === 'ProvisionedThroughputExceededException')).toHaveLength(failed);
    expect(await readWholeStream(direct, stream)).toHaveLength(1500 - failed);
  });

  it('GetRecords above 5 calls/s on a shard: ProvisionedThroughputExceededException (400), other shards unaffected', async () => {
    const stream = await newStream(2);
    const iteratorOf = async (shard: number) =>
      (
        await kinesis.send(
          new GetShardIteratorCommand({ StreamName: stream, ShardId: `shardId-00000000000${shard}`, ShardIteratorType: 'TRIM_HORIZON' }),
        )
      ).ShardIterator!;
    const [busy, quiet] = [await iteratorOf(0), await iteratorOf(1)];
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () =>
        kinesis.send(new GetRecordsCommand({ ShardIterator: busy })).then(
          () => 'ok',
          (e: unknown) => (e instanceof ProvisionedThroughputExceededException && e.$metadata.httpStatusCode === 400 ? 'throttled' : String(e)),
        ),
      ),
    );
    const throttled = outcomes.filter((o) => o === 'throttled').length;
    // 5 in the bucket, one more per 200 ms: of 12 at once, about 7 are refused.
    expect(throttled).toBeGreaterThanOrEqual(4);
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(5);
    expect(outcomes.every((o) => o === 'ok' || o === 'throttled')).toBe(true);
    await expect(kinesis.send(new GetRecordsCommand({ ShardIterator: quiet }))).resolves.toHaveProperty('Records');
  });

  describe('S3', () => {
    const { p50Ms, p99Ms } = AWS_PROFILE_DEFAULTS.s3.operations.PutObject;

    it('a small PutObject takes about the configured median', async () => {
      const durations: number[] = [];
      for (let i = 0; i < 21; i++) {
        const started = performance.now();
        await s3.send(new PutObjectCommand({ Bucket: cloud.outputs.bucket, Key: `aws-profile/${randomUUID()}`, Body: randomBytes(1024) }));
        durations.push(performance.now() - started);
      }
      const median = durations.sort((a, b) => a - b)[10];
      // Never faster than the drawn delays allow; the upper bound leaves room for a busy machine.
      expect(median).toBeGreaterThanOrEqual(p50Ms * 0.5);
      expect(median).toBeLessThanOrEqual(p99Ms + 1_000);
    });

    it('streams a large object both ways intact, and a URL presigned for the proxy works', async () => {
      const bytes = randomBytes(8 * 1024 * 1024);
      const key = `aws-profile/${randomUUID()}.bin`;
      const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: cloud.outputs.bucket, Key: key }), { expiresIn: 300 });
      expect(new URL(url).origin).toBe(cloud.outputs.endpoints.s3);
      const put = await fetch(url, { method: 'PUT', body: bytes });
      expect(put.status).toBe(200);
      const object = await s3.send(new GetObjectCommand({ Bucket: cloud.outputs.bucket, Key: key }));
      const back = Buffer.from(await object.Body!.transformToByteArray());
      expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    });
  });

  it('DynamoDB calls go through, with a latency of their own', async () => {
    const documents = createDynamoDbDocumentClient(viaProfile);
    const dynamodb = new DynamoDBClient({ region: viaProfile.region, endpoint: viaProfile.endpoints.dynamodb });
    clients.push(documents, dynamodb);
    const id = randomUUID();
    await dynamodb.send(new PutItemCommand({ TableName: cloud.outputs.uploadsTable, Item: { id: { S: id }, status: { S: 'pending' } } }));
    const item = await dynamodb.send(new GetItemCommand({ TableName: cloud.outputs.uploadsTable, Key: { id: { S: id } } }));
    expect(item.Item?.status.S).toBe('pending');
    expect(cloud.awsProfile!.stats().dynamodb.requestsByOperation).toMatchObject({ PutItem: 1, GetItem: 1 });
  });
});
