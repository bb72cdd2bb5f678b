// The local cloud's S3 (s3rver behind tools/local-cloud/s3rver.ts) shows an object only once
// it is complete, as S3 does. s3rver alone writes into the object's own file as the bytes
// arrive, so readers that overlap a write get part of it (or a response cut short against the
// Content-Length it announced): these tests read while writing, and fail on s3rver alone.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { dataPaths } from '../tools/local-cloud/local-cloud-data';
import { e2eEnvironment } from './e2e-environment';
import { localS3Client } from './aws';
import { waitFor } from './wait-for';

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the local cloud S3: objects appear whole', () => {
  const env = e2eEnvironment();
  const bucket = env.bucket;
  let s3: S3Client;

  beforeAll(() => {
    s3 = localS3Client(env);
  });
  afterAll(() => s3.destroy());

  const prefix = `local-cloud-s3/${randomUUID()}`;

  async function read(key: string): Promise<Buffer> {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  /**
   * Reads `key` in a loop on `readers` connections until `writes` settles. Every read must
   * find no object yet or one of `expected` whole; anything else is recorded as torn.
   */
  async function readWhile<T>(key: string, expected: Buffer[], writes: Promise<T>, readers = 2) {
    const known = new Set(expected.map(sha256));
    const torn: string[] = [];
    let whole = 0;
    let done = false;
    const loops = Array.from({ length: readers }, async () => {
      while (!done) {
        try {
          const body = await read(key);
          if (known.has(sha256(body))) whole++;
          else torn.push(`${body.length} bytes that match no version written`);
        } catch (error) {
          const name = (error as Error).name;
          if (name !== 'NoSuchKey') torn.push(`${name}: ${(error as Error).message}`);
        }
      }
    });
    try {
      return { result: await writes, torn, whole: () => whole };
    } finally {
      done = true;
      await Promise.all(loops);
    }
  }

  it('PutObject: reads during a write see the previous object or the new one, never part of one', async () => {
    const key = `${prefix}/put.bin`;
    const versions = Array.from({ length: 6 }, () => randomBytes(4 * MiB));
    const readsAfterPut: boolean[] = [];
    const { torn, whole } = await readWhile(
      key,
      versions,
      (async () => {
        for (const version of versions) {
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: version }));
          // Answered only once the object is complete: a read now gets exactly this version.
          readsAfterPut.push((await read(key)).equals(version));
        }
      })(),
    );
    expect(torn).toEqual([]);
    expect(readsAfterPut).toEqual(versions.map(() => true));
    // The readers did overlap the writes (five of the six replace an existing object).
    expect(whole()).toBeGreaterThan(0);
  });

  it('multipart upload: the parts become the object whole when the upload completes', async () => {
    const key = `${prefix}/multipart.bin`;
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1 * MiB)];
    const object = Buffer.concat(parts);
    const { result: uploaded, torn } = await readWhile(
      key,
      [object],
      (async () => {
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
        const etags = [];
        for (const [i, part] of parts.entries()) {
          const { ETag } = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: part }));
          etags.push({ ETag, PartNumber: i + 1 });
        }
        await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags } }));
        return read(key);
      })(),
    );
    expect(torn).toEqual([]);
    expect(sha256(uploaded)).toBe(sha256(object));
  });

  it('CopyObject: the destination is replaced whole, metadata included', async () => {
    const source = `${prefix}/copy-source.bin`;
    const target = `${prefix}/copy-target.bin`;
    const old = randomBytes(4 * MiB);
    const next = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: target, Body: old, ContentType: 'application/x-old' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: source, Body: next, ContentType: 'application/x-new' }));
    const { torn } = await readWhile(
      target,
      [old, next],
      (async () => {
        for (let i = 0; i < 4; i++) {
          await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${source}` }));
        }
      })(),
    );
    expect(torn).toEqual([]);
    expect((await read(target)).equals(next)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: target }));
    const sourceHead = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: source }));
    expect(head).toMatchObject({ ContentType: 'application/x-new', ContentLength: next.length, ETag: sourceHead.ETag });
  });

  it('a PutObject whose client disconnects mid-body leaves no object behind', async () => {
    const name = `aborted-${randomUUID()}.bin`;
    const key = `${prefix}/${name}`;
    // The store's folder for this key: the only place the unfinished upload can be seen.
    const folder = join(dataPaths(env.localCloudDir).s3, bucket, ...key.split('/').slice(0, -1));
    const pending = async () => (await readdir(folder).catch(() => [] as string[])).filter((file) => file.startsWith(name));
    const url = new URL(`${env.endpoints.s3}/${bucket}/${key}`);
    const upload = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: { 'Content-Length': String(4 * MiB) } });
    upload.on('error', () => undefined);
    upload.write(randomBytes(1 * MiB));
    // s3rver alone writes into the object's own file here; the local cloud into a .partial one.
    const started = async () => {
      const files = await pending();
      return files.length > 0 ? files : undefined;
    };
    expect(await waitFor(started, { timeoutMs: 10_000, description: `the upload of ${key} to start` })).toEqual([
      expect.stringMatching(/\.partial$/),
    ]);
    upload.destroy();
    await waitFor(async () => (await pending()).length === 0, { timeoutMs: 10_000, description: `the aborted upload of ${key} to be cleaned up` });
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('refuses POST Object (browser form uploads), the one route that would reach the dicer form parser', async () => {
    const form = new FormData();
    form.append('key', `${prefix}/form.txt`);
    form.append('file', new Blob(['hello']), 'form.txt');
    const response = await fetch(`${env.endpoints.s3}/${bucket}`, { method: 'POST', body: form });
    expect(response.status).toBe(501);
    expect(await response.text()).toContain('<Code>NotImplemented</Code>');
  });
});
