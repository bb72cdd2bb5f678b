import { mockClient } from 'aws-sdk-client-mock';
import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { FileUploadedV1 } from '@lib/contracts';
import { KinesisRetriableException } from '@lib/kinesis';
import { FileEventRejectedError } from './file-event-rejected.error';
import { StagedFileMover } from './staged-file.mover';

const ID = '7f3c1e9a-0000-4000-8000-00000000000a';
const SHA = 'ab'.repeat(32);
const STAGED = `incoming/${ID}`;
const FINAL = `uploads/${ID}.mp4`;

const event = {
  id: ID,
  file_key: FINAL,
  owner: { sub: 'sub-1', username: 'demo@example.com' },
  content_type: 'video/mp4',
  size: 20 * 1024 * 1024,
  sha256: SHA,
  original_name: 'holiday.mp4',
  body: { kind: 'staged', key: STAGED },
} satisfies FileUploadedV1;

function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

describe('StagedFileMover', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const mover = new StagedFileMover(s3, 'file-store');

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(HeadObjectCommand, { Key: FINAL }).rejects(s3Error('NotFound', 404));
    s3Mock.on(HeadObjectCommand, { Key: STAGED }).resolves({ ContentLength: event.size, Metadata: { 'owner-sub': 'sub-1' } });
    s3Mock.on(CopyObjectCommand).resolves({});
    s3Mock.on(DeleteObjectCommand).resolves({});
  });

  it('copies the staged object to the file key with the stored metadata, then deletes it', async () => {
    await mover.move(event);
    const copies = s3Mock.commandCalls(CopyObjectCommand);
    expect(copies).toHaveLength(1);
    expect(copies[0].args[0].input).toEqual({
      Bucket: 'file-store',
      Key: FINAL,
      CopySource: `file-store/${STAGED}`,
      MetadataDirective: 'REPLACE',
      ContentType: 'video/mp4',
      Metadata: {
        'owner-sub': 'sub-1',
        'owner-username': 'demo@example.com',
        sha256: SHA,
        'upload-id': ID,
        'original-name': 'holiday.mp4',
      },
    });
    const deletes = s3Mock.commandCalls(DeleteObjectCommand);
    expect(deletes.map((d) => d.args[0].input)).toEqual([{ Bucket: 'file-store', Key: STAGED }]);
    // Delete only after the copy: the calls in order.
    expect(s3Mock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'HeadObjectCommand',
      'HeadObjectCommand',
      'CopyObjectCommand',
      'DeleteObjectCommand',
    ]);
  });

  it('copies only the version the api measured when the event names its ETag, and rejects another', async () => {
    const withEtag = { ...event, body: { ...event.body, etag: '"abc-3"' } };
    await mover.move(withEtag);
    expect(s3Mock.commandCalls(CopyObjectCommand)[0].args[0].input.CopySourceIfMatch).toBe('"abc-3"');

    s3Mock.on(CopyObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    await expect(mover.move(withEtag)).rejects.toThrow(FileEventRejectedError);
    await expect(mover.move(withEtag)).rejects.toThrow(/changed after the api measured it/);
  });

  it('succeeds without copying when the file key already holds the sha256 (redelivery)', async () => {
    s3Mock.on(HeadObjectCommand, { Key: FINAL }).resolves({ ContentLength: event.size, Metadata: { sha256: SHA } });
    s3Mock.on(HeadObjectCommand, { Key: STAGED }).rejects(s3Error('NotFound', 404));
    await mover.move(event);
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
    // The staged object may have outlived the first delivery's delete: removing it again is harmless.
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  it('copies again when the file key holds other bytes', async () => {
    s3Mock.on(HeadObjectCommand, { Key: FINAL }).resolves({ Metadata: { sha256: 'cd'.repeat(32) } });
    await mover.move(event);
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(1);
  });

  it('rejects for good when the staged object is missing and the file key does not hold it', async () => {
    s3Mock.on(HeadObjectCommand, { Key: STAGED }).rejects(s3Error('NotFound', 404));
    await expect(mover.move(event)).rejects.toThrow(FileEventRejectedError);
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('rejects for good when the staged object is not the size the event says', async () => {
    s3Mock.on(HeadObjectCommand, { Key: STAGED }).resolves({ ContentLength: event.size - 1 });
    await expect(mover.move(event)).rejects.toThrow(/is 20971519 bytes, the event says 20971520/);
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it.each([
    ['HeadObject of the file key', HeadObjectCommand, { Key: FINAL }],
    ['HeadObject of the staged object', HeadObjectCommand, { Key: STAGED }],
    ['CopyObject', CopyObjectCommand, {}],
    ['DeleteObject', DeleteObjectCommand, {}],
  ] as const)('asks for a retry when S3 fails the %s', async (_what, command, input) => {
    s3Mock.on(command as typeof HeadObjectCommand, input).rejects(s3Error('SlowDown', 503));
    await expect(mover.move(event)).rejects.toThrow(KinesisRetriableException);
  });
});
