import type { INestApplication } from '@nestjs/common';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import {
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  HEADER_PAYLOAD_VERSION,
  type FileUploadedV1,
} from '@lib/contracts';
import { ClientKinesis, KinesisRecordBuilder } from '@lib/kinesis';
import { e2eEnvironment, waitFor } from '../../../test-kit';
import { createStream, localAwsOptions, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { UPLOAD_FAILURE_MESSAGES, UploadStatusRepository } from '@lib/upload-status';
import { createDynamoDbDocumentClient } from '@lib/aws';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createWorkerApp } from '../src/create-worker-app';
import { FileStorage } from '../src/files/file.storage';
import { WorkerModule } from '../src/worker.module';

/** Worker restarts and poison records, on a stream of this suite's own. */
describe('worker (local Kinesis → S3)', () => {
  const env = e2eEnvironment();
  const streamName = `e2e-worker-${randomUUID().slice(0, 8)}`;
  let kinesis: KinesisClient;
  let s3: S3Client;
  let publisher: ClientKinesis;
  let dynamodb: DynamoDBDocumentClient;
  let uploads: UploadStatusRepository;

  function startWorker(workerId: string): Promise<INestApplication> {
    return createWorkerApp(
      WorkerModule.forRoot({
        environment: {
          KINESIS_STREAM_NAME: streamName,
          WORKER_ID: workerId,
          WORKER_HEALTH_PORT: '0',
          HOST: '127.0.0.1',
        },
      }),
      { shutdownHooks: false, logger: ['error', 'warn'] },
    );
  }

  function fileEvent(): { event: FileUploadedV1; bytes: Buffer } {
    const id = randomUUID();
    const bytes = randomBytes(512 + Math.floor(Math.random() * 2048));
    return {
      bytes,
      event: {
        id,
        file_key: `uploads/${id}.bin`,
        owner: { sub: 'e2e-sub', username: env.users.demo.username },
        content_type: 'application/octet-stream',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        body: { kind: 'inline', data_base64: bytes.toString('base64') },
      },
    };
  }

  async function publish(count: number): Promise<Array<{ event: FileUploadedV1; bytes: Buffer }>> {
    const files = Array.from({ length: count }, fileEvent);
    for (const file of files) {
      const record = new KinesisRecordBuilder(file.event)
        .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION })
        .setPartitionKey(file.event.id)
        .build();
      await lastValueFrom(publisher.emit(FILE_UPLOADED, record));
    }
    return files;
  }

  async function objectBytes(key: string): Promise<Buffer | undefined> {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
      return Buffer.from(await object.Body!.transformToByteArray());
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async function storedCount(files: Array<{ event: FileUploadedV1 }>): Promise<number> {
    const found = await Promise.all(
      files.map((f) =>
        s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: f.event.file_key })).then(
          () => true,
          () => false,
        ),
      ),
    );
    return found.filter(Boolean).length;
  }

  beforeAll(async () => {
    kinesis = localKinesisClient(env);
    s3 = localS3Client(env);
    await createStream(env, streamName, 4);
    publisher = new ClientKinesis({ streamName, kinesis });
    dynamodb = createDynamoDbDocumentClient(localAwsOptions(env));
    uploads = new UploadStatusRepository(dynamodb, env.uploadsTable);
  });

  afterAll(async () => {
    await publisher?.close();
    kinesis?.destroy();
    s3?.destroy();
    dynamodb?.destroy();
  });

  it('a worker restarted mid-stream stores every record, without replaying what it checkpointed', async () => {
    const first = await publish(40);
    const workerA = await startWorker('worker-a');
    await waitFor(async () => (await storedCount(first)) >= 10, {
      timeoutMs: 20_000,
      description: 'worker A to store some of the first records',
    });
    await workerA.close();
    const storedByA = new Set<string>();
    for (const f of first) if (await objectBytes(f.event.file_key)) storedByA.add(f.event.file_key);

    const second = await publish(40);
    const put = jest.spyOn(FileStorage.prototype, 'put');
    const workerB = await startWorker('worker-b');
    try {
      const all = [...first, ...second];
      await waitFor(async () => (await storedCount(all)) === all.length, {
        timeoutMs: 30_000,
        description: `all ${all.length} records stored after the restart`,
      });
      for (const file of all) {
        expect((await objectBytes(file.event.file_key))?.equals(file.bytes)).toBe(true);
      }
      // Worker A checkpointed each record after storing it and released its leases on close:
      // B starts after those checkpoints, so nothing A stored is written again.
      const rewritten = put.mock.calls.map(([event]) => event.file_key).filter((key) => storedByA.has(key));
      expect(rewritten).toEqual([]);
      expect(put.mock.calls.length).toBe(all.length - storedByA.size);
    } finally {
      put.mockRestore();
      await workerB.close();
    }
  });

  it('reports its leases and the lag of each shard on /health/ready, and liveness on /health', async () => {
    const worker = await startWorker('worker-health');
    try {
      const url = await worker.getUrl();
      const ready = await waitFor(
        async () => {
          const res = await fetch(`${url}/health/ready`);
          const body = (await res.json()) as { details: { transport: { leases: number; shards: Array<{ shardId: string; lagMs: number | null }> } } };
          return res.status === 200 && body.details.transport.leases === 4 && body.details.transport.shards.every((s) => s.lagMs !== null) ? body : undefined;
        },
        { timeoutMs: 20_000, description: 'four leases held and read' },
      );
      expect(ready.details.transport).toMatchObject({ status: 'up', transport: 'connected', leases: 4 });
      expect(ready.details.transport.shards.map((s) => s.shardId).sort()).toHaveLength(4);
      const live = await fetch(`${url}/health`);
      expect(live.status).toBe(200);
      expect(await live.json()).toMatchObject({ status: 'ok', details: { transport: { status: 'up' } } });
    } finally {
      await worker.close();
    }
  });

  it('dead-letters an event whose bytes do not match its sha256 at once, keeping the reason, and marks the upload failed', async () => {
    const worker = await startWorker('worker-corrupt');
    try {
      const file = fileEvent();
      file.event.sha256 = createHash('sha256').update('something else').digest('hex');
      const record = new KinesisRecordBuilder(file.event)
        .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION })
        .setPartitionKey(file.event.id)
        .build();
      const { shardId, sequenceNumber } = await lastValueFrom(publisher.emit(FILE_UPLOADED, record));

      const letterKey = `dead-letter/${shardId}/${sequenceNumber}.json`;
      const letter = await waitFor(
        async () => {
          const bytes = await objectBytes(letterKey);
          return bytes && JSON.parse(bytes.toString('utf8'));
        },
        { timeoutMs: 15_000, description: `dead letter ${letterKey}` },
      );
      expect(letter).toMatchObject({ reason: 'handler-rejected', attempts: 1 });
      expect(letter.last_error).toMatch(/sha256/);
      expect(await objectBytes(file.event.file_key)).toBeUndefined();

      const status = await waitFor(() => uploads.find(file.event.id), {
        timeoutMs: 10_000,
        description: 'the failed status',
      });
      // The owner gets the code and its words; the error's own text stays in the letter.
      expect(status).toMatchObject({ status: 'failed', failure_code: 'handler-rejected', failure_reason: UPLOAD_FAILURE_MESSAGES['handler-rejected'] });
    } finally {
      await worker.close();
    }
  });

  it('sends a poison record to dead-letter/ with the reason, and the shard moves on', async () => {
    const worker = await startWorker('worker-poison');
    try {
      const partitionKey = randomUUID();
      const poison = await kinesis.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: Buffer.from('this is not json') }),
      );
      // Same partition key → same shard, after the poison record.
      const [after] = Array.from({ length: 1 }, fileEvent);
      const record = new KinesisRecordBuilder(after.event)
        .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION })
        .setPartitionKey(partitionKey)
        .build();
      await lastValueFrom(publisher.emit(FILE_UPLOADED, record));

      const letterKey = `dead-letter/${poison.ShardId}/${poison.SequenceNumber}.json`;
      const letter = await waitFor(
        async () => {
          const bytes = await objectBytes(letterKey);
          return bytes && JSON.parse(bytes.toString('utf8'));
        },
        { timeoutMs: 15_000, description: `dead letter ${letterKey}` },
      );
      expect(letter).toMatchObject({
        stream: streamName,
        shard_id: poison.ShardId,
        sequence_number: poison.SequenceNumber,
        reason: 'malformed-record',
        data_base64: Buffer.from('this is not json').toString('base64'),
      });
      expect(letter.last_error).toMatch(/not JSON/);

      const stored = await waitFor(() => objectBytes(after.event.file_key), {
        timeoutMs: 15_000,
        description: 'the record after the poison one to be stored',
      });
      expect(stored.equals(after.bytes)).toBe(true);
    } finally {
      await worker.close();
    }
  });
});
