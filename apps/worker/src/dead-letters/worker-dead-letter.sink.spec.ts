import { Logger } from '@nestjs/common';
import { Metrics } from '@lib/metrics';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectsCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { FILE_UPLOADED } from '@lib/contracts';
import { S3DeadLetterSink, type DeadLetter } from '@lib/kinesis';
import { UPLOAD_FAILURE_MESSAGES, UploadStatusRepository } from '@lib/upload-status';
import { ObjectVersionsEraser } from '../erasure/object-versions.eraser';
import { DeadLetterIndex } from './dead-letter.index';
import { WorkerDeadLetterSink } from './worker-dead-letter.sink';

const ID = '7f3c1e9a-0000-4000-8000-000000000002';
const data = {
  id: ID,
  file_key: `uploads/${ID}.txt`,
  owner: { sub: 'sub-1', username: 'demo@example.com' },
  content_type: 'text/plain',
  size: 5,
  sha256: 'a'.repeat(64),
  body: { kind: 'inline', data_base64: 'aGVsbG8=' },
};

function letterOf(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    stream: 'file-events',
    shard_id: 'shardId-000000000003',
    sequence_number: '49600000000000000000000000000000000000000000000000000042',
    partition_key: ID,
    arrival_time: '2026-01-01T00:00:01.000Z',
    attempts: 3,
    reason: 'handler-failed',
    last_error: 'FileEventRejectedError: body sha256 does not match',
    data_base64: Buffer.from('{}').toString('base64'),
    packet: { pattern: FILE_UPLOADED, id: 'evt-2', occurred_at: '2026-01-01T00:00:00.000Z', headers: {}, data },
    dead_lettered_at: '2026-01-01T00:00:09.000Z',
    ...overrides,
  };
}

describe('WorkerDeadLetterSink', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamoMock = mockClient(dynamodb);
  const emf: string[] = [];
  const metrics = new Metrics({ enabled: true, namespace: 'Test', baseDimensions: { Service: 'worker' }, flushIntervalMs: 60_000 }, (line) => emf.push(line));
  const sink = new WorkerDeadLetterSink(
    new S3DeadLetterSink(s3, 'file-store'),
    new UploadStatusRepository(dynamodb, 'file-uploads'),
    metrics,
    new DeadLetterIndex(s3, 'file-store', new ObjectVersionsEraser(s3, 'file-store')),
  );
  const LETTER_KEY = `dead-letter/shardId-000000000003/${letterOf().sequence_number}.json`;
  const INDEX_KEY = `dead-letter-index/${ID}/${LETTER_KEY}`;
  const putKeys = () => s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    s3Mock.reset();
    dynamoMock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    s3Mock.on(ListObjectVersionsCommand).callsFake(async (input: { Prefix: string }) => ({ Versions: [{ Key: input.Prefix, VersionId: 'v1' }] }));
    s3Mock.on(DeleteObjectsCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    dynamoMock.on(GetCommand).resolves({});
  });

  it('writes the letter to the bucket, then records the upload as failed with the reason', async () => {
    const letter = letterOf();
    await sink.send(letter);

    // Indexed by upload first, so that a deletion finds the letter whenever it is written.
    expect(putKeys()).toEqual([INDEX_KEY, LETTER_KEY]);
    const put = s3Mock.commandCalls(PutObjectCommand)[1];
    expect(put.args[0].input).toMatchObject({ Bucket: 'file-store', Key: LETTER_KEY });
    expect(JSON.parse(String(put.args[0].input.Body))).toEqual(letter);
    metrics.flush();
    expect(JSON.parse(emf.pop()!)).toMatchObject({ Service: 'worker', Reason: 'handler-failed', DeadLetters: 1 });

    const [status] = dynamoMock.commandCalls(PutCommand);
    expect(status.args[0].input).toMatchObject({
      TableName: 'file-uploads',
      Item: {
        id: ID,
        file_key: data.file_key,
        owner_sub: 'sub-1',
        status: 'failed',
        failure_code: 'handler-failed',
        failure_reason: UPLOAD_FAILURE_MESSAGES['handler-failed'],
        accepted_at: '2026-01-01T00:00:00.000Z',
      },
    });
    // The owner is told what happened in words, never the error's own text.
    expect(JSON.stringify(status.args[0].input.Item)).not.toMatch(/sha256 does not match|FileEventRejectedError/);
    // The letter is safe before the status says so.
    expect(s3Mock.call(1).calledBefore(dynamoMock.call(0))).toBe(true);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('erases the letter it just wrote, and its index entry, when the upload is deleted by then', async () => {
    dynamoMock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    dynamoMock.on(GetCommand).resolves({ Item: { id: ID, status: 'deleted', status_rank: 3 } });
    await sink.send(letterOf());
    const erased = s3Mock.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!.map((o) => o.Key));
    expect(erased).toEqual([LETTER_KEY, INDEX_KEY]);
  });

  it('fails (so the transport retries) when it cannot tell whether the upload was deleted', async () => {
    dynamoMock.on(GetCommand).rejects(new Error('DynamoDB down'));
    await expect(sink.send(letterOf())).rejects.toThrow('DynamoDB down');
  });

  it('fails (so the transport retries) when the letter cannot be stored, recording nothing', async () => {
    s3Mock.on(PutObjectCommand).rejects(new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: {} }));
    await expect(sink.send(letterOf())).rejects.toThrow(S3ServiceException);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('succeeds when only the failed status write fails (best effort)', async () => {
    dynamoMock.on(PutCommand).rejects(new Error('DynamoDB down'));
    await expect(sink.send(letterOf())).resolves.toBeUndefined();
    expect(putKeys()).toEqual([INDEX_KEY, LETTER_KEY]);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(1);
  });

  it.each([
    ['a malformed record (no packet)', letterOf({ reason: 'malformed-record', attempts: 0, packet: undefined })],
    ['another pattern', letterOf({ packet: { ...letterOf().packet!, pattern: 'something.else' } })],
    ['a file.uploaded without the facts', letterOf({ packet: { ...letterOf().packet!, data: { id: ID } } })],
  ])('stores %s without touching the status table', async (_what, letter) => {
    await sink.send(letter);
    expect(putKeys()).toContain(LETTER_KEY);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });
});
