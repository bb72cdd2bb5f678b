import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { FILE_UPLOADED, FILE_UPLOADED_VERSION, HEADER_PAYLOAD_VERSION, type FileUploadedV1 } from '@lib/contracts';
import { encodePacket } from '@lib/kinesis';
import { e2eEnvironment } from '../../../test-kit';
import { createStream, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { readWholeStream } from '../../../test-kit/faulty-kinesis';
import { kinesisEvent } from '../../../test-kit/lambda/events';
import { bundlePath, invokeBundle } from '../../../test-kit/lambda/invoke-bundle';
import { LambdaEnvironment } from '../../../test-kit/lambda/lambda-environment';

/**
 * Issue 6: the bundled worker function answers a batch with exactly the right
 * batchItemFailures: a poison record is dead-lettered and counts as handled; a record that
 * fails (here: DynamoDB unreachable, so its status cannot be written) is reported with every
 * later record of its shard, so Lambda retries from there in order.
 */
describe('the bundled worker function: partial batch failures', () => {
  const env = e2eEnvironment();
  const streamName = `lambda-worker-${randomUUID().slice(0, 8)}`;
  let kinesis: KinesisClient;
  let s3: S3Client;

  beforeAll(async () => {
    kinesis = localKinesisClient(env);
    s3 = localS3Client(env);
    await createStream(env, streamName, 1);
  });

  afterAll(() => {
    kinesis?.destroy();
    s3?.destroy();
  });

  function fileUploaded(): Buffer {
    const id = randomUUID();
    const bytes = randomBytes(200);
    const event: FileUploadedV1 = {
      id,
      file_key: `uploads/${id}.bin`,
      owner: { sub: 'lambda-sub', username: 'demo@example.com' },
      content_type: 'application/octet-stream',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      body: { kind: 'inline', data_base64: bytes.toString('base64') },
    };
    return Buffer.from(
      encodePacket({ pattern: FILE_UPLOADED, id: randomUUID(), occurred_at: new Date().toISOString(), headers: { [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION }, data: event }),
    );
  }

  it('dead-letters the poison record and reports the lowest failing record, from which Lambda retries the shard', async () => {
    const put = (data: Buffer) => kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: randomUUID(), Data: data }));
    const poison = await put(Buffer.from('this is not json'));
    const failing = await put(fileUploaded());
    const after = await put(fileUploaded());
    const records = await readWholeStream(kinesis, streamName);

    const { result } = await invokeBundle<KinesisStreamBatchResponse>(bundlePath('worker'), kinesisEvent(streamName, poison.ShardId!, records), {
      ...env.appEnvironment,
      KINESIS_STREAM_NAME: streamName,
      // DynamoDB unreachable: the files' stored status cannot be written, an outage → retry.
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    });

    // Both files fail (their status cannot be written); Lambda retries the shard from the
    // lowest sequence number reported, which covers the later one.
    expect(BigInt(failing.SequenceNumber!)).toBeLessThan(BigInt(after.SequenceNumber!));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: failing.SequenceNumber }] });
    const letter = JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `dead-letter/${poison.ShardId}/${poison.SequenceNumber}.json` }))).Body!.transformToString(),
    );
    expect(letter).toMatchObject({ reason: 'malformed-record', stream: streamName, data_base64: Buffer.from('this is not json').toString('base64') });
  });

  it('handles batch after batch in one warm execution environment (as bench:lambda-worker drives it)', async () => {
    const putFile = async () => {
      const data = fileUploaded();
      const put = await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: randomUUID(), Data: data }));
      return { put, key: (JSON.parse(data.toString('utf8')) as { data: FileUploadedV1 }).data.file_key };
    };
    const environment = await LambdaEnvironment.start<KinesisStreamBatchResponse>(
      bundlePath('worker'),
      { ...env.appEnvironment, KINESIS_STREAM_NAME: streamName },
      join(mkdtempSync(join(tmpdir(), 'lambda-env-')), 'worker.log'),
    );
    try {
      for (let batch = 0; batch < 2; batch++) {
        const { put, key } = await putFile();
        const record = (await readWholeStream(kinesis, streamName)).find((r) => r.SequenceNumber === put.SequenceNumber)!;
        const { result } = await environment.invoke(kinesisEvent(streamName, put.ShardId!, [record]));
        expect(result).toEqual({ batchItemFailures: [] });
        await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
      }
    } finally {
      await environment.stop();
    }
  });
});
