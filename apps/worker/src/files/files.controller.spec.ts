import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ContractViolationError, FILE_UPLOADED, type FileUploadedV1 } from '@lib/contracts';
import { KinesisContext, KinesisPoisonRecordException, KinesisRetriableException, type KinesisPacket } from '@lib/kinesis';
import { UploadStatusRepository, type DeletedUploadsReader } from '@lib/upload-status';
import { uploadEraserFor } from '../erasure/upload-eraser.fixture';
import { FileEventRejectedError } from './file-event-rejected.error';
import { FileUploadProcessor } from './file-upload.processor';
import { FileStorage } from './file.storage';
import { FilesController } from './files.controller';
import { StagedFileMover } from './staged-file.mover';

const ID = '7f3c1e9a-0000-4000-8000-000000000001';
const BYTES = Buffer.from('hello, kinesis');
const OCCURRED_AT = '2026-01-01T00:00:00.000Z';

function eventOf(overrides: Partial<FileUploadedV1> = {}): FileUploadedV1 {
  return {
    id: ID,
    file_key: `uploads/${ID}.txt`,
    owner: { sub: 'sub-1', username: 'demo@example.com' },
    content_type: 'text/plain',
    size: BYTES.length,
    sha256: createHash('sha256').update(BYTES).digest('hex'),
    original_name: 'rapport d’été.txt',
    body: { kind: 'inline', data_base64: BYTES.toString('base64') },
    ...overrides,
  };
}

function contextOf(data: unknown, headers: Record<string, string> = { 'payload-version': '1', 'correlation-id': 'c-1' }) {
  const packet: KinesisPacket = { pattern: FILE_UPLOADED, id: 'evt-1', occurred_at: OCCURRED_AT, headers, data };
  return new KinesisContext(['file-events', 'shardId-000000000001', '4960001', ID, new Date(), packet, 1]);
}

function awsError(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

afterEach(() => jest.restoreAllMocks());

describe('FilesController (file.uploaded)', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamoMock = mockClient(dynamodb);
  const statuses = new UploadStatusRepository(dynamodb, 'file-uploads');
  const controller = new FilesController(
    new FileUploadProcessor(new FileStorage(s3, 'file-store'), new StagedFileMover(s3, 'file-store'), statuses, uploadEraserFor(s3, 'file-store', statuses), {
      isDeleted: (id: string) => statuses.isDeleted(id),
    } as DeletedUploadsReader),
  );
  const handle = (data: unknown, context = contextOf(data)) => controller.onFileUploaded(data, context);

  let logged: string[];

  beforeEach(() => {
    logged = [];
    for (const level of ['log', 'warn'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logged.push(JSON.stringify(args[0]));
      });
    }
    s3Mock.reset();
    dynamoMock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    dynamoMock.on(GetCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
  });

  it('stores the bytes at the file key with the content type and metadata, then records stored', async () => {
    const event = eventOf();
    await handle(event);

    const put = s3Mock.commandCalls(PutObjectCommand);
    expect(put).toHaveLength(1);
    const input = put[0].args[0].input;
    expect(input).toMatchObject({ Bucket: 'file-store', Key: event.file_key, ContentType: 'text/plain' });
    expect(Buffer.from(input.Body as Uint8Array).equals(BYTES)).toBe(true);
    expect(input.Metadata).toEqual({
      'owner-sub': 'sub-1',
      'owner-username': 'demo@example.com',
      sha256: event.sha256,
      'upload-id': ID,
      'original-name': encodeURIComponent('rapport d’été.txt'),
    });

    const status = dynamoMock.commandCalls(PutCommand);
    expect(status).toHaveLength(1);
    expect(status[0].args[0].input).toMatchObject({
      TableName: 'file-uploads',
      Item: { id: ID, file_key: event.file_key, status: 'stored', size: BYTES.length, accepted_at: OCCURRED_AT },
      // Never over the deleted tombstone (rank 3).
      ConditionExpression: 'attribute_not_exists(id) OR status_rank < :rank',
      ExpressionAttributeValues: { ':rank': 2 },
    });
  });

  it('logs the upload, correlation, shard and sequence number, never the contents', async () => {
    await handle(eventOf());
    await handle(eventOf({ sha256: 'f'.repeat(64) })).catch(() => undefined);
    expect(logged).toHaveLength(2);
    for (const line of logged) {
      expect(JSON.parse(line)).toMatchObject({ uploadId: ID, correlationId: 'c-1', shardId: 'shardId-000000000001', sequenceNumber: '4960001' });
      expect(line).not.toContain(BYTES.toString('base64'));
      expect(line).not.toContain(BYTES.toString());
    }
  });

  it('writes the same object for the same event twice (idempotent redelivery)', async () => {
    await handle(eventOf());
    await handle(eventOf());
    const [first, second] = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(second).toEqual(first);
  });

  it('rejects bytes whose sha256 does not match, storing nothing', async () => {
    const event = eventOf({ sha256: 'f'.repeat(64) });
    await expect(handle(event)).rejects.toThrow(KinesisPoisonRecordException);
    await expect(handle(event)).rejects.toThrow(/sha256/);
    await expect(handle(event)).rejects.toMatchObject({ cause: expect.any(FileEventRejectedError) });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('rejects bytes whose size does not match', async () => {
    await expect(handle(eventOf({ size: BYTES.length + 1 }))).rejects.toThrow(KinesisPoisonRecordException);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('moves a staged body to its key instead of writing bytes, then records stored', async () => {
    const event = eventOf({ body: { kind: 'staged', key: `incoming/${ID}` } });
    s3Mock.on(HeadObjectCommand, { Key: event.file_key }).rejects(awsError('NotFound', 404));
    s3Mock.on(HeadObjectCommand, { Key: `incoming/${ID}` }).resolves({ ContentLength: BYTES.length });
    s3Mock.on(CopyObjectCommand).resolves({});
    s3Mock.on(DeleteObjectCommand).resolves({});
    await handle(event);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(1);
    expect(dynamoMock.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ id: ID, status: 'stored' });
  });

  it('dead-letters a staged event whose staged object is gone and was never moved', async () => {
    const event = eventOf({ body: { kind: 'staged', key: `incoming/${ID}` } });
    s3Mock.on(HeadObjectCommand).rejects(awsError('NotFound', 404));
    await expect(handle(event)).rejects.toThrow(KinesisPoisonRecordException);
    await expect(handle(event)).rejects.toThrow(/staged object incoming\/.* is missing/);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('rejects a payload that breaks the contract', async () => {
    const { owner: _owner, ...withoutOwner } = eventOf();
    await expect(handle(withoutOwner)).rejects.toThrow(KinesisPoisonRecordException);
    await expect(handle(withoutOwner)).rejects.toMatchObject({ cause: expect.any(ContractViolationError) });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('rejects a payload version it does not know', async () => {
    const event = eventOf();
    await expect(handle(event, contextOf(event, { 'payload-version': '2' }))).rejects.toThrow(/payload-version "2"/);
    await expect(handle(event, contextOf(event, {}))).rejects.toThrow(KinesisPoisonRecordException);
  });

  it.each([
    ['an S3 5xx', awsError('InternalError', 500)],
    ['S3 throttling', awsError('SlowDown', 503)],
    ['S3 unreachable', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4568'), { code: 'ECONNREFUSED', $metadata: {} })],
  ])('asks for a retry on %s, without recording stored', async (_what, error) => {
    s3Mock.on(PutObjectCommand).rejects(error);
    await expect(handle(eventOf())).rejects.toThrow(KinesisRetriableException);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('asks for a retry when DynamoDB throttles the status write', async () => {
    dynamoMock
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } }));
    await expect(handle(eventOf())).rejects.toThrow(KinesisRetriableException);
  });

  it('lets a request fault through as a plain (counted) failure', async () => {
    s3Mock.on(PutObjectCommand).rejects(awsError('InvalidArgument', 400));
    const error = await handle(eventOf()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error).not.toBeInstanceOf(KinesisRetriableException);
  });
});
