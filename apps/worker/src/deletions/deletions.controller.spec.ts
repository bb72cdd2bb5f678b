import { Logger } from '@nestjs/common';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ContractViolationError, FILE_DELETION_REQUESTED, type FileDeletionRequestedV1 } from '@lib/contracts';
import { KinesisContext, KinesisPoisonRecordException, KinesisRetriableException, type KinesisPacket } from '@lib/kinesis';
import { UploadStatusRepository, type UploadRecord } from '@lib/upload-status';
import { DeletionRejectedError } from './deletion-rejected.error';
import { DeletionsController } from './deletions.controller';
import { UploadDeletionProcessor } from './upload-deletion.processor';

const ID = '7f3c1e9a-0000-4000-8000-0000000000d1';
const KEY = `uploads/${ID}.txt`;

const eventOf = (overrides: Partial<FileDeletionRequestedV1> = {}): FileDeletionRequestedV1 => ({
  id: ID,
  file_key: KEY,
  owner: { sub: 'sub-1', username: 'demo@example.com' },
  ...overrides,
});

const recordOf = (overrides: Partial<UploadRecord> = {}): UploadRecord => ({
  id: ID,
  file_key: KEY,
  owner_sub: 'sub-1',
  owner_username: 'demo@example.com',
  content_type: 'text/plain',
  size: 5,
  sha256: 'a'.repeat(64),
  status: 'stored',
  status_rank: 2,
  accepted_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:01.000Z',
  ...overrides,
});

function contextOf(data: unknown, headers: Record<string, string> = { 'payload-version': '1', 'correlation-id': 'c-9' }) {
  const packet: KinesisPacket = { pattern: FILE_DELETION_REQUESTED, id: 'evt-9', occurred_at: '2026-01-01T00:00:02.000Z', headers, data };
  return new KinesisContext(['file-events', 'shardId-000000000002', '4960009', ID, new Date(), packet, 1]);
}

describe('DeletionsController (file.deletion-requested)', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamoMock = mockClient(dynamodb);
  const controller = new DeletionsController(
    new UploadDeletionProcessor(s3, 'file-store', new UploadStatusRepository(dynamodb, 'file-uploads')),
  );
  const handle = (data: unknown, context = contextOf(data)) => controller.onDeletionRequested(data, context);
  let logged: unknown[];

  beforeEach(() => {
    logged = [];
    for (const level of ['log', 'warn'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logged.push(args[0]);
      });
    }
    s3Mock.reset();
    dynamoMock.reset();
    s3Mock.on(DeleteObjectCommand).resolves({});
    dynamoMock.on(GetCommand).resolves({ Item: recordOf() });
    dynamoMock.on(PutCommand).resolves({});
  });

  afterEach(() => jest.restoreAllMocks());

  it('deletes the object at the file key, then turns the status into the deleted tombstone', async () => {
    await handle(eventOf());
    expect(s3Mock.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'file-store', Key: KEY }]);
    const [tombstone] = dynamoMock.commandCalls(PutCommand);
    expect(tombstone.args[0].input).toMatchObject({ Item: { id: ID, file_key: KEY, status: 'deleted' }, ExpressionAttributeValues: { ':owner': 'sub-1' } });
    expect(logged).toEqual([
      { msg: `deleted ${KEY} (deleted)`, uploadId: ID, correlationId: 'c-9', shardId: 'shardId-000000000002', sequenceNumber: '4960009' },
    ]);
  });

  it('writes the tombstone only after the object is gone', async () => {
    const order: string[] = [];
    s3Mock.on(DeleteObjectCommand).callsFake(async () => order.push('s3'));
    dynamoMock.on(PutCommand).callsFake(async () => order.push('status'));
    await handle(eventOf());
    expect(order).toEqual(['s3', 'status']);
  });

  it('handles a redelivery the same way (deleted already: DeleteObject again, the tombstone stays)', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: recordOf({ status: 'deleted', status_rank: 3 }) });
    dynamoMock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(handle(eventOf())).resolves.toBeUndefined();
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  it('still deletes the object when there is no status record, and writes none', async () => {
    dynamoMock.on(GetCommand).resolves({});
    await handle(eventOf());
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(1);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
    expect(logged).toEqual([expect.objectContaining({ msg: `deleted ${KEY} (no-status-record)` })]);
  });

  it.each([
    ['another owner', recordOf({ owner_sub: 'sub-2' })],
    ['another file key', recordOf({ file_key: `uploads/${ID}.png` })],
  ])('dead-letters an event whose upload has %s, deleting nothing', async (_what, record) => {
    dynamoMock.on(GetCommand).resolves({ Item: record });
    const error = await handle(eventOf()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KinesisPoisonRecordException);
    expect((error as KinesisPoisonRecordException).cause).toBeInstanceOf(DeletionRejectedError);
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('dead-letters a payload that breaks the contract, or an unknown payload version', async () => {
    await expect(handle({ ...eventOf(), file_key: 'uploads/other.txt' })).rejects.toMatchObject({
      cause: expect.any(ContractViolationError),
    });
    await expect(handle(eventOf(), contextOf(eventOf(), { 'payload-version': '2' }))).rejects.toThrow(/payload-version "2"/);
    await expect(handle(eventOf(), contextOf(eventOf(), {}))).rejects.toThrow(KinesisPoisonRecordException);
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('asks for a retry when S3 is unavailable, without writing the tombstone', async () => {
    s3Mock.on(DeleteObjectCommand).rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }));
    await expect(handle(eventOf())).rejects.toThrow(KinesisRetriableException);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('asks for a retry when DynamoDB is unreachable', async () => {
    dynamoMock.on(GetCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', $metadata: {} }));
    await expect(handle(eventOf())).rejects.toThrow(KinesisRetriableException);
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });
});
