import { Logger } from '@nestjs/common';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ContractViolationError, FILE_DELETION_REQUESTED, type FileDeletionRequestedV1 } from '@lib/contracts';
import { KinesisContext, KinesisPoisonRecordException, KinesisRetriableException, type KinesisPacket } from '@lib/kinesis';
import { completionKeyOf, pendingKeyOf, UploadStatusRepository, type UploadRecord } from '@lib/upload-status';
import { uploadEraserFor } from '../erasure/upload-eraser.fixture';
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
  const statuses = new UploadStatusRepository(dynamodb, 'file-uploads');
  const controller = new DeletionsController(new UploadDeletionProcessor(statuses, uploadEraserFor(s3, 'file-store', statuses)));
  /** Every call, S3 and DynamoDB, in the order they were made. */
  let order: string[];
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
    order = [];
    s3Mock.on(ListObjectVersionsCommand).callsFake(async (input: { Prefix: string }) => {
      order.push(`list ${input.Prefix}`);
      const versions: Record<string, Array<{ Key: string; VersionId: string }>> = {
        [`uploads/${ID}.`]: [{ Key: KEY, VersionId: 'v2' }, { Key: KEY, VersionId: 'v1' }],
        [`incoming/${ID}`]: [{ Key: `incoming/${ID}.grant.json`, VersionId: 'g1' }],
        [`dead-letter-index/${ID}/`]: [{ Key: `dead-letter-index/${ID}/dead-letter/shardId-000000000001/77.json`, VersionId: 'i1' }],
        ['dead-letter/shardId-000000000001/77.json']: [{ Key: 'dead-letter/shardId-000000000001/77.json', VersionId: 'l1' }],
      };
      return { Versions: versions[input.Prefix] ?? [] };
    });
    s3Mock.on(DeleteObjectsCommand).callsFake(async (input: { Delete: { Objects: Array<{ Key: string }> } }) => {
      order.push(`delete ${input.Delete.Objects.map((o) => o.Key).join(',')}`);
      return {};
    });
    dynamoMock.on(GetCommand).resolves({ Item: recordOf() });
    dynamoMock.on(PutCommand).callsFake(async () => (order.push('tombstone'), {}));
    dynamoMock.on(DeleteCommand).callsFake(async (input: { Key: { id: string } }) => (order.push(`remove ${input.Key.id}`), {}));
  });

  const versionsDeleted = () => s3Mock.commandCalls(DeleteObjectsCommand).flatMap((c) => c.args[0].input.Delete!.Objects!);

  afterEach(() => jest.restoreAllMocks());

  it('writes the tombstone first, then erases every version of the file, the staged bytes and grant, the dead letters and the api items', async () => {
    await handle(eventOf());
    expect(order).toEqual([
      'tombstone',
      `list uploads/${ID}.`,
      `delete ${KEY},${KEY}`,
      `list incoming/${ID}`,
      `delete incoming/${ID}.grant.json`,
      `list dead-letter-index/${ID}/`,
      'list dead-letter/shardId-000000000001/77.json',
      'delete dead-letter/shardId-000000000001/77.json',
      `delete dead-letter-index/${ID}/dead-letter/shardId-000000000001/77.json`,
      expect.stringMatching(/^remove /),
      expect.stringMatching(/^remove /),
    ]);
    expect(versionsDeleted()).toEqual(expect.arrayContaining([{ Key: KEY, VersionId: 'v2' }, { Key: KEY, VersionId: 'v1' }]));
    const [tombstone] = dynamoMock.commandCalls(PutCommand);
    expect(tombstone.args[0].input).toMatchObject({
      Item: { id: ID, file_key: KEY, status: 'deleted' },
      ConditionExpression: 'attribute_not_exists(id) OR (owner_sub = :owner AND status_rank < :rank)',
      ExpressionAttributeValues: { ':owner': 'sub-1', ':rank': 3 },
    });
    expect(dynamoMock.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key!.id).sort()).toEqual([completionKeyOf(ID), pendingKeyOf(ID)].sort());
    expect(logged).toEqual([
      { msg: `deleted ${KEY} (deleted)`, uploadId: ID, correlationId: 'c-9', shardId: 'shardId-000000000002', sequenceNumber: '4960009' },
    ]);
  });

  it('writes the tombstone from the pending facts when the worker has not written the upload yet', async () => {
    const pending = { ...recordOf({ status: 'pending', status_rank: 0, original_name: 'secret plans.txt' }), id: pendingKeyOf(ID), written_by: 'r', expires_at: 1 };
    dynamoMock.on(GetCommand, { Key: { id: ID } }).resolves({});
    dynamoMock.on(GetCommand, { Key: { id: pendingKeyOf(ID) } }).resolves({ Item: pending });
    await handle(eventOf());
    const item = dynamoMock.commandCalls(PutCommand)[0].args[0].input.Item!;
    expect(item).toMatchObject({ id: ID, file_key: KEY, owner_sub: 'sub-1', status: 'deleted', status_rank: 3 });
    expect(item).not.toHaveProperty('original_name');
    expect(item).not.toHaveProperty('written_by');
    expect(order[0]).toBe('tombstone');
  });

  it('erases everything again on a redelivery, the tombstone being there already', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: recordOf({ status: 'deleted', status_rank: 3 }) });
    dynamoMock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(handle(eventOf())).resolves.toBeUndefined();
    expect(versionsDeleted()).toEqual(expect.arrayContaining([{ Key: KEY, VersionId: 'v1' }]));
    expect(logged).toEqual([expect.objectContaining({ msg: `deleted ${KEY} (deleted-already)` })]);
  });

  it('still erases the bytes when there is no status record, and writes none', async () => {
    dynamoMock.on(GetCommand).resolves({});
    await handle(eventOf());
    expect(versionsDeleted()).toEqual(expect.arrayContaining([{ Key: KEY, VersionId: 'v1' }]));
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
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('dead-letters a payload that breaks the contract, or an unknown payload version', async () => {
    await expect(handle({ ...eventOf(), file_key: 'uploads/other.txt' })).rejects.toMatchObject({
      cause: expect.any(ContractViolationError),
    });
    await expect(handle(eventOf(), contextOf(eventOf(), { 'payload-version': '2' }))).rejects.toThrow(/payload-version "2"/);
    await expect(handle(eventOf(), contextOf(eventOf(), {}))).rejects.toThrow(KinesisPoisonRecordException);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('asks for a retry when S3 is unavailable, the tombstone written already (the retry erases the rest)', async () => {
    s3Mock.on(ListObjectVersionsCommand).rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }));
    await expect(handle(eventOf())).rejects.toThrow(KinesisRetriableException);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('asks for a retry when DynamoDB is unreachable', async () => {
    dynamoMock.on(GetCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', $metadata: {} }));
    await expect(handle(eventOf())).rejects.toThrow(KinesisRetriableException);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});
