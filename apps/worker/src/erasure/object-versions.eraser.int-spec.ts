import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { e2eEnvironment, localS3Client } from '../../../../test-kit';
import { ObjectVersionsEraser } from './object-versions.eraser';

// The same calls against the local cloud's S3, which keeps no versions: ListObjectVersions
// answers as S3 does for a never-versioned bucket (tools/local-cloud/s3rver.ts).
describe('ObjectVersionsEraser on the local cloud', () => {
  const env = e2eEnvironment();
  let s3: S3Client;
  beforeAll(() => {
    s3 = localS3Client(env);
  });
  afterAll(() => s3.destroy());

  it('erases exactly the keys under the prefix, over more than one page of versions', async () => {
    const base = `erasure-int/${randomUUID()}`;
    const doomed = Array.from({ length: 1003 }, (_, i) => `${base}/doomed/${String(i).padStart(4, '0')}`);
    const kept = `${base}/kept`;
    for (let i = 0; i < doomed.length; i += 50) {
      await Promise.all(doomed.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body: 'x' }))));
    }
    await s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: kept, Body: 'keep' }));

    const firstPage = await s3.send(new ListObjectVersionsCommand({ Bucket: env.bucket, Prefix: `${base}/doomed/` }));
    expect(firstPage).toMatchObject({ IsTruncated: true, NextKeyMarker: doomed[999] });
    expect(firstPage.Versions?.[0]).toMatchObject({ Key: doomed[0], VersionId: 'null', IsLatest: true, Size: 1 });

    await expect(new ObjectVersionsEraser(s3, env.bucket).erase(`${base}/doomed/`)).resolves.toBe(doomed.length);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${base}/` }));
    expect((left.Contents ?? []).map((object) => object.Key)).toEqual([kept]);
  });
});
