import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { e2eEnvironment } from '../../../../test-kit';
import { createStream, localKinesisClient, localS3Client } from '../../../../test-kit/aws';
import { readWholeStream } from '../../../../test-kit/faulty-kinesis';
import { BatchingRecordSender } from '../client/batching/batching-record.sender';
import { encodePacket } from '../kinesis-packet.codec';
import type { DeadLetter } from './dead-letter';
import { S3DeadLetterRedrive } from './s3-dead-letter.redrive';
import { S3DeadLetterSink } from './s3-dead-letter.sink';

describe('S3DeadLetterRedrive against the local S3 and Kinesis', () => {
  const env = e2eEnvironment();
  const streamName = `redrive-${randomUUID().slice(0, 8)}`;
  const prefix = `dead-letter-test-${randomUUID().slice(0, 8)}`;
  let s3: S3Client;
  let kinesis: KinesisClient;

  const letter = (seq: string, reason: DeadLetter['reason'], data: Buffer): DeadLetter => ({
    stream: streamName,
    shard_id: 'shardId-000000000000',
    sequence_number: seq,
    partition_key: `key-${seq}`,
    arrival_time: new Date().toISOString(),
    attempts: 3,
    reason,
    last_error: 'Error: S3 was down',
    data_base64: data.toString('base64'),
    dead_lettered_at: new Date().toISOString(),
  });
  const packet = (id: string) => Buffer.from(encodePacket({ pattern: 'file.uploaded', id, occurred_at: 't', headers: {}, data: { id } }));
  const remaining = async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/` }))).Contents ?? []).map((o) => o.Key!);

  beforeAll(async () => {
    s3 = localS3Client(env);
    kinesis = localKinesisClient(env);
    await createStream(env, streamName, 1);
    const sink = new S3DeadLetterSink(s3, env.bucket, prefix);
    await sink.send(letter('100', 'handler-failed', packet('e-100')));
    await sink.send(letter('101', 'no-handler', packet('e-101')));
    await sink.send(letter('102', 'malformed-record', Buffer.from('not json')));
  });

  afterAll(() => {
    s3?.destroy();
    kinesis?.destroy();
  });

  it('a dry run changes nothing', async () => {
    const redrive = new S3DeadLetterRedrive(s3, env.bucket, new BatchingRecordSender(kinesis, streamName), prefix);
    const summary = await redrive.run({ dryRun: true });
    expect(summary.redriven).toHaveLength(2);
    expect(await remaining()).toHaveLength(3);
    expect(await readWholeStream(kinesis, streamName)).toEqual([]);
  });

  it("follows the application's policy: a dry run lists what it would discard, and letters it leaves stay", async () => {
    const redrive = new S3DeadLetterRedrive(s3, env.bucket, new BatchingRecordSender(kinesis, streamName), prefix);
    const summary = await redrive.run({
      dryRun: true,
      policy: async (l) => (l.sequence_number === '100' ? { action: 'discard', why: 'subject gone' } : { action: 'leave', why: 'not yet' }),
    });
    expect(summary.discarded).toEqual([{ key: `${prefix}/shardId-000000000000/100.json`, why: 'subject gone' }]);
    expect(summary.skipped).toContainEqual({ key: `${prefix}/shardId-000000000000/101.json`, why: 'not yet' });
    expect(summary.redriven).toEqual([]);
    expect(await remaining()).toHaveLength(3);
  });

  it('publishes the original bytes again under their partition key, then deletes the letters; malformed ones stay', async () => {
    const redrive = new S3DeadLetterRedrive(s3, env.bucket, new BatchingRecordSender(kinesis, streamName), prefix);
    const summary = await redrive.run();
    expect(summary.redriven.sort()).toEqual([`${prefix}/shardId-000000000000/100.json`, `${prefix}/shardId-000000000000/101.json`]);
    expect(summary.skipped).toEqual([{ key: `${prefix}/shardId-000000000000/102.json`, why: 'reason malformed-record' }]);
    expect(summary.failed).toEqual([]);

    const records = await readWholeStream(kinesis, streamName);
    expect(records.map((r) => [r.PartitionKey, Buffer.from(r.Data!).toString()]).sort()).toEqual([
      ['key-100', packet('e-100').toString()],
      ['key-101', packet('e-101').toString()],
    ]);
    expect(await remaining()).toEqual([`${prefix}/shardId-000000000000/102.json`]);
  });
});
