import { randomUUID } from 'node:crypto';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { e2eEnvironment } from '../../../../test-kit';
import { createStream, localKinesisClient } from '../../../../test-kit/aws';
import { readWholeStream } from '../../../../test-kit/faulty-kinesis';
import { BatchingRecordSender } from '../client/batching/batching-record.sender';
import type { KinesisBatchInfo } from './failed-batch';
import { FailedBatchRedrive } from './failed-batch.redrive';

describe('FailedBatchRedrive against the local Kinesis', () => {
  const env = e2eEnvironment();
  const streamName = `failed-batch-${randomUUID().slice(0, 8)}`;
  let kinesis: KinesisClient;
  const put = async (text: string) =>
    kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: `key-${text}`, Data: Buffer.from(text) }));
  const span = (first: { ShardId?: string; SequenceNumber?: string }, last: { SequenceNumber?: string }): KinesisBatchInfo => ({
    shardId: first.ShardId!,
    startSequenceNumber: first.SequenceNumber!,
    endSequenceNumber: last.SequenceNumber!,
    approximateArrivalOfFirstRecord: new Date().toISOString(),
    approximateArrivalOfLastRecord: new Date().toISOString(),
    batchSize: 3,
    streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
  });
  const texts = async () => (await readWholeStream(kinesis, streamName)).map((r) => `${r.PartitionKey}:${Buffer.from(r.Data!).toString()}`);

  beforeAll(async () => {
    kinesis = localKinesisClient(env);
    await createStream(env, streamName, 1);
  });
  afterAll(() => kinesis?.destroy());

  it('re-reads exactly the batch span from the stream and publishes it again under the same keys; a dry run publishes nothing', async () => {
    await put('before');
    const first = await put('a');
    await put('b');
    const last = await put('c');
    await put('after');
    const redrive = new FailedBatchRedrive(kinesis, new BatchingRecordSender(kinesis, streamName), streamName);

    const dry = await redrive.run([span(first, last)], { dryRun: true });
    expect(dry).toEqual([expect.objectContaining({ redriven: 3, discarded: [], left: [] })]);
    expect(await texts()).toHaveLength(5);

    const [outcome] = await redrive.run([span(first, last)]);
    expect(outcome).toMatchObject({ redriven: 3 });
    expect(outcome.trimmed).toBeUndefined();
    expect(outcome.error).toBeUndefined();
    expect((await texts()).slice(5)).toEqual(['key-a:a', 'key-b:b', 'key-c:c']);
  });

  it("follows the application's policy record by record", async () => {
    const first = await put('keep');
    const last = await put('drop');
    const before = (await texts()).length;
    const redrive = new FailedBatchRedrive(kinesis, new BatchingRecordSender(kinesis, streamName), streamName);
    const [outcome] = await redrive.run([span(first, last)], {
      policy: async (letter) =>
        Buffer.from(letter.data_base64, 'base64').toString() === 'drop' ? { action: 'discard', why: 'deleted since' } : { action: 'redrive' },
    });
    expect(outcome).toMatchObject({ redriven: 1, discarded: [{ sequenceNumber: last.SequenceNumber, why: 'deleted since' }] });
    expect((await texts()).slice(before)).toEqual(['key-keep:keep']);
  });

  it('says so when the batch is no longer in the stream, rather than redriving something else', async () => {
    const last = await put('latest');
    // A span the shard does not hold (kinesalite trims nothing: past its tip stands in for trimmed).
    const gone = { ...span(last, last), startSequenceNumber: `${BigInt(last.SequenceNumber!) + 1n}`, endSequenceNumber: `${BigInt(last.SequenceNumber!) + 2n}` };
    const redrive = new FailedBatchRedrive(kinesis, new BatchingRecordSender(kinesis, streamName), streamName);
    const [outcome] = await redrive.run([gone]);
    expect(outcome.redriven).toBe(0);
    expect(outcome).toMatchObject({ redriven: 0, trimmed: 'the stream no longer holds any record of the batch' });
    expect(outcome.error).toBeUndefined();
  });

  it('refuses a batch of another stream than the one it publishes to', async () => {
    const record = await put('elsewhere');
    const redrive = new FailedBatchRedrive(kinesis, new BatchingRecordSender(kinesis, streamName), streamName);
    const [outcome] = await redrive.run([{ ...span(record, record), streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/other' }]);
    expect(outcome).toMatchObject({ redriven: 0, error: expect.stringMatching(/stream other, not failed-batch-/) });
  });
});
