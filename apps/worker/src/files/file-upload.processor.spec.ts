import { createHash } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FileUploadedV1 } from '@lib/contracts';
import { UploadStatusBatcher } from '@lib/upload-status';
import { FileUploadProcessor } from './file-upload.processor';
import { FileStorage } from './file.storage';
import { StagedFileMover } from './staged-file.mover';

const ID = '7f3c1e9a-0000-4000-8000-000000000002';
const BYTES = Buffer.from('released early');

const event: FileUploadedV1 = {
  id: ID,
  file_key: `uploads/${ID}.txt`,
  owner: { sub: 'sub-1', username: 'demo@example.com' },
  content_type: 'text/plain',
  size: BYTES.length,
  sha256: createHash('sha256').update(BYTES).digest('hex'),
  body: { kind: 'inline', data_base64: BYTES.toString('base64') },
};

describe('FileUploadProcessor', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamoMock = mockClient(dynamodb);
  const processor = new FileUploadProcessor(
    new FileStorage(s3, 'file-store'),
    new StagedFileMover(s3, 'file-store'),
    new UploadStatusBatcher(dynamodb, 'file-uploads', { deadlineMs: 200 }),
  );

  beforeEach(() => {
    s3Mock.reset();
    dynamoMock.reset();
  });

  it('says the object is stored once PutObject returned and before the status write is done', async () => {
    const order: string[] = [];
    let finishStatus!: () => void;
    s3Mock.on(PutObjectCommand).callsFake(async () => void order.push('put'));
    dynamoMock.on(BatchWriteCommand).callsFake(() => {
      order.push('status sent');
      return new Promise((resolve) => (finishStatus = () => resolve({})));
    });
    const done = processor.process(event, '2026-01-01T00:00:00.000Z', () => order.push('object stored'));
    // The write is held open by the fake: the callback must have come first.
    const deadline = Date.now() + 2_000;
    while (!order.includes('status sent') && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['put', 'object stored', 'status sent']);
    finishStatus();
    await expect(done).resolves.toBeUndefined();
  });

  it('never says so when PutObject failed', async () => {
    const objectStored = jest.fn();
    s3Mock.on(PutObjectCommand).rejects(new Error('boom'));
    await expect(processor.process(event, '2026-01-01T00:00:00.000Z', objectStored)).rejects.toThrow('boom');
    expect(objectStored).not.toHaveBeenCalled();
    expect(dynamoMock.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});
