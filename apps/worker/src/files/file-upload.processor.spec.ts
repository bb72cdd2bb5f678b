import { createHash } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { CopyObjectCommand, DeleteObjectsCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FileUploadedV1 } from '@lib/contracts';
import { UploadStatusRepository, type DeletedUploadsReader } from '@lib/upload-status';
import { uploadEraserFor } from '../erasure/upload-eraser.fixture';
import { FileEventRejectedError } from './file-event-rejected.error';
import { FileUploadProcessor } from './file-upload.processor';
import { FileStorage } from './file.storage';
import { StagedFileMover } from './staged-file.mover';

const ID = '7f3c1e9a-0000-4000-8000-000000000002';
const BYTES = Buffer.from('released early');
const ACCEPTED_AT = '2026-01-01T00:00:00.000Z';

const event: FileUploadedV1 = {
  id: ID,
  file_key: `uploads/${ID}.txt`,
  owner: { sub: 'sub-1', username: 'demo@example.com' },
  content_type: 'text/plain',
  size: BYTES.length,
  sha256: createHash('sha256').update(BYTES).digest('hex'),
  body: { kind: 'inline', data_base64: BYTES.toString('base64') },
};

const deletedItem = { Item: { id: ID, status: 'deleted', status_rank: 3 } };
const refused = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('FileUploadProcessor', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamoMock = mockClient(dynamodb);
  const statuses = new UploadStatusRepository(dynamodb, 'file-uploads');
  const processor = new FileUploadProcessor(
    new FileStorage(s3, 'file-store'),
    new StagedFileMover(s3, 'file-store'),
    statuses,
    uploadEraserFor(s3, 'file-store', statuses),
    // One GetItem per question (the batched reader has its own spec): the order of calls stays readable.
    { isDeleted: (id: string) => statuses.isDeleted(id) } as DeletedUploadsReader,
  );
  /** Every call, S3 and DynamoDB, in the order they were made. */
  let order: string[];

  beforeEach(() => {
    s3Mock.reset();
    dynamoMock.reset();
    order = [];
    s3Mock.on(PutObjectCommand).callsFake(async () => void order.push('put object'));
    s3Mock.on(ListObjectVersionsCommand).callsFake(async (input: { Prefix: string }) => {
      order.push(`list ${input.Prefix}`);
      return input.Prefix === `uploads/${ID}.` ? { Versions: [{ Key: event.file_key, VersionId: 'v1' }] } : {};
    });
    s3Mock.on(DeleteObjectsCommand).callsFake(async () => (order.push('delete versions'), {}));
    dynamoMock.on(GetCommand).callsFake(async () => {
      order.push('read status');
      return {};
    });
    dynamoMock.on(PutCommand).callsFake(async () => void order.push('write stored'));
    dynamoMock.on(DeleteCommand).resolves({});
  });

  it('reads the status consistently, writes the object, then writes stored on condition that it is not deleted', async () => {
    await expect(processor.process(event, ACCEPTED_AT)).resolves.toBe('stored');
    expect(order).toEqual(['read status', 'put object', 'write stored']);
    expect(dynamoMock.commandCalls(GetCommand)[0].args[0].input).toEqual({ TableName: 'file-uploads', Key: { id: ID }, ConsistentRead: true });
    expect(dynamoMock.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
      Item: { id: ID, status: 'stored', accepted_at: ACCEPTED_AT },
      ConditionExpression: 'attribute_not_exists(id) OR status_rank < :rank',
    });
  });

  it('stores nothing for an upload deleted before its event is handled, and erases what is left of it', async () => {
    dynamoMock.on(GetCommand).callsFake(async () => (order.push('read status'), deletedItem));
    await expect(processor.process(event, ACCEPTED_AT)).resolves.toBe('deleted');
    expect(order).toEqual(['read status', `list uploads/${ID}.`, 'delete versions', `list incoming/${ID}`, `list dead-letter-index/${ID}/`]);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('erases the object it just wrote when the tombstone landed between its read and its stored write', async () => {
    let reads = 0;
    dynamoMock.on(GetCommand).callsFake(async () => (order.push('read status'), reads++ === 0 ? {} : deletedItem));
    dynamoMock.on(PutCommand).callsFake(async () => {
      order.push('write stored (refused)');
      throw refused();
    });
    await expect(processor.process(event, ACCEPTED_AT)).resolves.toBe('deleted');
    expect(order.slice(0, 6)).toEqual(['read status', 'put object', 'write stored (refused)', 'read status', `list uploads/${ID}.`, 'delete versions']);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0].args[0].input.Delete!.Objects).toEqual([{ Key: event.file_key, VersionId: 'v1' }]);
  });

  it('keeps the object of a redelivery whose stored write is refused because it is stored already', async () => {
    let reads = 0;
    dynamoMock.on(GetCommand).callsFake(async () => (reads++ === 0 ? {} : { Item: { id: ID, status: 'stored', status_rank: 2 } }));
    dynamoMock.on(PutCommand).rejects(refused());
    await expect(processor.process(event, ACCEPTED_AT)).resolves.toBe('stored');
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
  });

  it('does not dead-letter a staged upload whose staged bytes a deletion erased meanwhile', async () => {
    const staged: FileUploadedV1 = { ...event, body: { kind: 'staged', key: `incoming/${ID}` } };
    let reads = 0;
    dynamoMock.on(GetCommand).callsFake(async () => (reads++ === 0 ? {} : deletedItem));
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    await expect(processor.process(staged, ACCEPTED_AT)).resolves.toBe('deleted');
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('still dead-letters a staged upload whose bytes are missing when it is not deleted', async () => {
    const staged: FileUploadedV1 = { ...event, body: { kind: 'staged', key: `incoming/${ID}` } };
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    await expect(processor.process(staged, ACCEPTED_AT)).rejects.toThrow(FileEventRejectedError);
  });

  it('says the object is stored once PutObject returned and before the status write', async () => {
    const objectStored = jest.fn(() => order.push('object stored'));
    await processor.process(event, ACCEPTED_AT, objectStored);
    expect(order).toEqual(['read status', 'put object', 'object stored', 'write stored']);
  });

  it('never says so when PutObject failed', async () => {
    const objectStored = jest.fn();
    s3Mock.on(PutObjectCommand).rejects(new Error('boom'));
    await expect(processor.process(event, ACCEPTED_AT, objectStored)).rejects.toThrow('boom');
    expect(objectStored).not.toHaveBeenCalled();
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });
});
