import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { KinesisPoisonRecordException, KinesisRetriableException } from '@lib/kinesis';
import { e2eEnvironment } from '../../../../test-kit';
import { localS3Client } from '../../../../test-kit/aws';
import { callDependency } from './dependency-outage';

/** What the real local S3 answers, read the way every worker handler reads it. */
describe('callDependency against the local S3', () => {
  const env = e2eEnvironment();
  let s3: S3Client;
  const key = `dependency-outage-spec/${randomUUID()}`;

  beforeAll(async () => {
    s3 = localS3Client(env);
    await s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: 'ten bytes!' }));
  });
  afterAll(() => s3.destroy());

  const get = (bucket: string, objectKey: string, range?: string) => () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey, Range: range })).then((out) => out.Body!.transformToString());

  it('returns what S3 returns', async () => {
    await expect(callDependency('S3 GetObject', get(env.bucket, key))).resolves.toBe('ten bytes!');
  });

  it('fails the record at once when the key it names is gone (NoSuchKey): the shard must not wait for it', async () => {
    await expect(callDependency('S3 GetObject', get(env.bucket, `${key}-gone`))).rejects.toBeInstanceOf(KinesisPoisonRecordException);
  });

  it('fails the record at once for a range past the object\'s end (InvalidRange)', async () => {
    await expect(callDependency('S3 GetObject', get(env.bucket, key, 'bytes=100-200'))).rejects.toBeInstanceOf(KinesisPoisonRecordException);
  });

  it('waits (retriable) when the bucket itself is missing: an operator fixes that, the record is not at fault', async () => {
    await expect(callDependency('S3 GetObject', get(`missing-${randomUUID().slice(0, 8)}`, key))).rejects.toBeInstanceOf(KinesisRetriableException);
  });
});
