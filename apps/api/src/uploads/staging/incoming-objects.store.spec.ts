import { Readable } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ApiConfig } from '../../config';
import { StagingUnavailableError } from '../intake/staging-unavailable.error';
import { UploadTooLargeError } from '../intake/upload-too-large.error';
import { IncomingObjectsStore } from './incoming-objects.store';

const ID = '7f3c1e9a-0000-4000-8000-0000000000c1';
const MiB = 1024 * 1024;
const owner = { uploadId: ID, ownerSub: 'sub-1' };

/** `total` bytes in 64 KiB chunks, then (optionally) an error instead of the end. */
function body(total: number, failWith?: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let sent = 0; sent < total; sent += 64 * 1024) yield Buffer.alloc(Math.min(64 * 1024, total - sent), 1);
      if (failWith) throw failWith;
    })(),
    { objectMode: false },
  );
}

describe('IncomingObjectsStore', () => {
  const s3 = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const s3Mock = mockClient(s3);
  const config = { bucket: 'file-store', presignedUrlTtlSeconds: 900 } as ApiConfig;
  const store = new IncomingObjectsStore(s3, config);

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'mpu-1' });
    s3Mock.on(UploadPartCommand).callsFake(async (input) => ({ ETag: `"part-${input.PartNumber}"` }));
    s3Mock.on(CompleteMultipartUploadCommand).resolves({});
    s3Mock.on(AbortMultipartUploadCommand).resolves({});
    s3Mock.on(PutObjectCommand).resolves({});
  });

  it('streams a large body to incoming/<id> in 5 MiB parts, with the owner as metadata', async () => {
    await store.stream(owner, body(12 * MiB), 'video/mp4');
    expect(s3Mock.commandCalls(CreateMultipartUploadCommand)[0].args[0].input).toMatchObject({
      Bucket: 'file-store',
      Key: `incoming/${ID}`,
      ContentType: 'video/mp4',
      Metadata: { 'owner-sub': 'sub-1', 'upload-id': ID },
    });
    expect(s3Mock.commandCalls(UploadPartCommand).map((c) => (c.args[0].input.Body as Buffer).length)).toEqual([5 * MiB, 5 * MiB, 2 * MiB]);
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(1);
  });

  it('aborts the multipart upload and rethrows the body’s error when the body fails', async () => {
    await expect(store.stream(owner, body(7 * MiB, new UploadTooLargeError(7 * MiB)), 'video/mp4')).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(s3Mock.commandCalls(AbortMultipartUploadCommand)[0].args[0].input).toEqual({ Bucket: 'file-store', Key: `incoming/${ID}`, UploadId: 'mpu-1' });
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('keeps the body’s error even when the abort itself fails (servers without AbortMultipartUpload)', async () => {
    s3Mock.on(AbortMultipartUploadCommand).rejects(new S3ServiceException({ name: 'MethodNotAllowed', $fault: 'client', $metadata: { httpStatusCode: 405 } }));
    await expect(store.stream(owner, body(7 * MiB, new UploadTooLargeError(7 * MiB)), 'video/mp4')).rejects.toBeInstanceOf(UploadTooLargeError);
  });

  it('reports S3 failing the upload as staging unavailable', async () => {
    s3Mock.on(UploadPartCommand).rejects(new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }));
    await expect(store.stream(owner, body(12 * MiB), 'video/mp4')).rejects.toBeInstanceOf(StagingUnavailableError);
  });

  it('presigns a PUT with content type, length and owner signed, and no checksum of an empty body', async () => {
    const presigned = await store.presignPut(owner, 'video/mp4', 20 * MiB);
    const url = new URL(presigned.url);
    expect(`${url.hostname}${url.pathname}`).toMatch(new RegExp(`file-store.*/incoming/${ID}$`));
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host', 'x-amz-meta-owner-sub', 'x-amz-meta-upload-id']),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(presigned.headers).toEqual({
      'Content-Type': 'video/mp4',
      'Content-Length': String(20 * MiB),
      'x-amz-meta-owner-sub': 'sub-1',
      'x-amz-meta-upload-id': ID,
    });
  });
});
