import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { DeadLetter } from './dead-letter';
import { S3DeadLetterSink } from './s3-dead-letter.sink';

describe('S3DeadLetterSink', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const mock = mockClient(s3);
  const letter: DeadLetter = {
    stream: 'file-events',
    shard_id: 'shardId-000000000001',
    sequence_number: '4960',
    partition_key: 'pk',
    arrival_time: '2026-01-01T00:00:00.000Z',
    attempts: 3,
    reason: 'handler-failed',
    last_error: 'boom',
    data_base64: 'e30=',
    dead_lettered_at: '2026-01-01T00:00:01.000Z',
  };

  it('writes the letter as JSON under a key made of shard and sequence number', async () => {
    mock.on(PutObjectCommand).resolves({});
    await new S3DeadLetterSink(s3, 'file-store').send(letter);
    const input = mock.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input).toMatchObject({
      Bucket: 'file-store',
      Key: 'dead-letter/shardId-000000000001/4960.json',
      ContentType: 'application/json',
    });
    expect(JSON.parse(String(input.Body))).toEqual(letter);
  });

  it('fails when S3 does (the transport retries)', async () => {
    mock.on(PutObjectCommand).rejects(new Error('unreachable'));
    await expect(new S3DeadLetterSink(s3, 'file-store').send(letter)).rejects.toThrow('unreachable');
  });
});
