import { randomUUID } from 'node:crypto';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createDynamoDbDocumentClient } from '@lib/aws';
import request from 'supertest';
import { FILE_DELETION_REQUESTED, FILE_UPLOADED } from '@lib/contracts';
import { BatchingRecordSender, deadLetterOf, decodePacket, S3DeadLetterRedrive, S3DeadLetterSink } from '@lib/kinesis';
import { streamRecordsAbout } from './support/stream-records';
import { UploadStatusRepository } from '@lib/upload-status';
import { bearer, createTestUser, e2eEnvironment, startPipeline, waitFor, type TestPipeline, type TestUser } from '../../../test-kit';
import { localAwsOptions, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { skipDeletedUploads } from '../../../tools/ops/deleted-uploads.redrive-policy';
import { UploadDeletionProcessor } from '../../worker/src/deletions/upload-deletion.processor';
import { FileUploadProcessor } from '../../worker/src/files/file-upload.processor';
import { FileStorage } from '../../worker/src/files/file.storage';

/**
 * The extension example end to end (README, Extending): DELETE /uploads/:id → a
 * `file.deletion-requested` event → the worker removes the object and marks the upload
 * `deleted`. The api and a worker run in-process on a stream of their own (test-kit).
 */
describe('deleting an upload (api → Kinesis → worker → S3)', () => {
  const env = e2eEnvironment();
  let pipeline: TestPipeline;
  let owner: TestUser;
  let stranger: TestUser;
  let s3: S3Client;
  let kinesis: KinesisClient;
  const api = () => request(pipeline.api.getHttpServer());

  beforeAll(async () => {
    s3 = localS3Client(env);
    kinesis = localKinesisClient(env);
    // Owners of their own: no other suite touches these users' uploads.
    [owner, stranger] = await Promise.all([createTestUser(), createTestUser()]);
    pipeline = await startPipeline({ stream: { prefix: 'e2e-deletions', shards: 4 } });
  });

  afterAll(async () => {
    await pipeline?.close();
    s3?.destroy();
    kinesis?.destroy();
  });

  async function upload(text: string): Promise<{ id: string; file_key: string }> {
    const res = await api()
      .post('/uploads')
      .set('Authorization', bearer(owner))
      .set('Content-Type', 'text/plain')
      .set('X-Filename', 'notes.txt')
      .send(text)
      .expect(202);
    return res.body;
  }

  async function objectExists(key: string): Promise<boolean> {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
  }

  const statusOf = async (id: string) => (await api().get(`/uploads/${id}`).set('Authorization', bearer(owner))).body;

  it('deletes a stored upload: 202 with the event id, then the object is gone and GET says deleted', async () => {
    const { id, file_key } = await upload(`to be deleted ${randomUUID()}`);
    await waitFor(async () => (await statusOf(id)).status === 'stored', { timeoutMs: 20_000, description: `upload ${id} stored` });
    expect(await objectExists(file_key)).toBe(true);

    const res = await api().delete(`/uploads/${id}`).set('Authorization', bearer(owner)).set('X-Request-Id', `delete-${id}`).expect(202);
    expect(res.body).toEqual({ message: 'Deletion requested', id, event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    await waitFor(async () => !(await objectExists(file_key)), { timeoutMs: 20_000, description: `${file_key} gone from S3` });
    const status = await waitFor(
      async () => {
        const body = await statusOf(id);
        return body.status === 'deleted' ? body : undefined;
      },
      { timeoutMs: 20_000, description: `upload ${id} marked deleted` },
    );
    expect(status).toMatchObject({ id, file_key, status: 'deleted' });
    // The client's file name goes with the file.
    expect(status).not.toHaveProperty('original_name');

    await api().get(`/uploads/${id}/content`).set('Authorization', bearer(owner)).expect(404);
    await api().delete(`/uploads/${id}`).set('Authorization', bearer(owner)).expect(409);
  });

  it("answers 404 for another user's upload and for an unknown id, and leaves the object alone", async () => {
    const { id, file_key } = await upload('not yours');
    await waitFor(() => objectExists(file_key), { timeoutMs: 20_000, description: `${file_key} in S3` });
    await api().delete(`/uploads/${id}`).set('Authorization', bearer(stranger)).expect(404);
    await api().delete(`/uploads/${randomUUID()}`).set('Authorization', bearer(owner)).expect(404);
    await api().delete(`/uploads/${id}`).expect(401);
    expect(await objectExists(file_key)).toBe(true);
    expect((await statusOf(id)).status).toBe('stored');
  });

  it('a deletion sent right after the upload lands on its shard, after it, and the file ends deleted', async () => {
    const { id, file_key } = await upload(`short-lived ${randomUUID()}`);
    // No waiting for "stored": the deletion may overtake nothing, because of its partition key.
    const res = await api().delete(`/uploads/${id}`).set('Authorization', bearer(owner)).expect(202);

    const records = await recordsAbout(id);
    expect(records.map((r) => r.pattern)).toEqual([FILE_UPLOADED, FILE_DELETION_REQUESTED]);
    const [uploaded, deletion] = records;
    expect(deletion.eventId).toBe(res.body.event_id);
    expect(deletion.shardId).toBe(uploaded.shardId);
    expect(BigInt(deletion.sequenceNumber)).toBeGreaterThan(BigInt(uploaded.sequenceNumber));

    await waitFor(async () => (await statusOf(id)).status === 'deleted', { timeoutMs: 20_000, description: `upload ${id} deleted` });
    // `deleted` is written after the object is gone, and the worker handled the upload first.
    expect(await objectExists(file_key)).toBe(false);
  });

  it('an upload delivered again after its deletion (a crash before the checkpoint, a replay) is not stored again', async () => {
    const { id, file_key } = await upload(`delivered twice ${randomUUID()}`);
    await waitFor(async () => (await statusOf(id)).status === 'stored', { timeoutMs: 20_000, description: `upload ${id} stored` });
    await api().delete(`/uploads/${id}`).set('Authorization', bearer(owner)).expect(202);
    await waitFor(async () => (await statusOf(id)).status === 'deleted', { timeoutMs: 20_000, description: `upload ${id} deleted` });

    const stored = jest.spyOn(FileStorage.prototype, 'put');
    const uploads = jest.spyOn(FileUploadProcessor.prototype, 'process');
    const deletions = jest.spyOn(UploadDeletionProcessor.prototype, 'process');
    try {
      // The same two records again, in their order, with their partition key.
      for (const record of await recordsAbout(id)) {
        await kinesis.send(new PutRecordCommand({ StreamName: pipeline.streamName, PartitionKey: record.partitionKey, Data: record.data }));
      }
      await waitFor(() => deletions.mock.results.length > 0, { timeoutMs: 20_000, description: 'the deletion handled again' });
      // The upload found its tombstone: nothing written, nothing to delete again.
      expect(await uploads.mock.results[0].value).toBe('deleted');
      expect(await deletions.mock.results[0].value).toBe('deleted-already');
      expect(stored).not.toHaveBeenCalled();
      expect(await objectExists(file_key)).toBe(false);
      expect((await statusOf(id)).status).toBe('deleted');
    } finally {
      stored.mockRestore();
      uploads.mockRestore();
      deletions.mockRestore();
    }
  });

  it('npm run redrive discards an old dead letter of an upload deleted since, and redrives the others', async () => {
    const gone = await upload(`dead-lettered, then deleted ${randomUUID()}`);
    const alive = await upload(`dead-lettered, still here ${randomUUID()}`);
    for (const { id } of [gone, alive]) {
      await waitFor(async () => (await statusOf(id)).status === 'stored', { timeoutMs: 20_000, description: `upload ${id} stored` });
    }
    await api().delete(`/uploads/${gone.id}`).set('Authorization', bearer(owner)).expect(202);
    await waitFor(async () => (await statusOf(gone.id)).status === 'deleted', { timeoutMs: 20_000, description: `upload ${gone.id} deleted` });

    // Both uploads' records, as the worker would have dead-lettered them during an earlier outage.
    const prefix = `dead-letter-e2e-${randomUUID().slice(0, 8)}`;
    const sink = new S3DeadLetterSink(s3, env.bucket, prefix);
    for (const { id } of [gone, alive]) {
      const [record] = await recordsAbout(id);
      await sink.send(
        deadLetterOf({
          streamName: pipeline.streamName,
          shardId: record.shardId,
          record: { SequenceNumber: record.sequenceNumber, PartitionKey: record.partitionKey, Data: record.data },
          reason: 'handler-failed',
          attempts: 5,
          error: new Error('S3 was down'),
          packet: decodePacket(record.data),
          at: Date.now(),
        }),
      );
    }

    const dynamodb = createDynamoDbDocumentClient(localAwsOptions(env));
    const stored = jest.spyOn(FileStorage.prototype, 'put');
    try {
      const redrive = new S3DeadLetterRedrive(s3, env.bucket, new BatchingRecordSender(kinesis, pipeline.streamName), prefix);
      const summary = await redrive.run({ policy: skipDeletedUploads(new UploadStatusRepository(dynamodb, env.uploadsTable)) });
      expect(summary.discarded).toEqual([{ key: expect.stringContaining(`${prefix}/`), why: expect.stringContaining(`upload ${gone.id} was deleted`) }]);
      expect(summary.redriven).toHaveLength(1);
      expect(summary.failed).toEqual([]);
      const letters = await s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/` }));
      expect(letters.Contents ?? []).toEqual([]);

      // The redriven upload is handled again (idempotently); the deleted one never comes back.
      await waitFor(() => stored.mock.calls.some(([event]) => event.id === alive.id), { timeoutMs: 20_000, description: 'the redriven upload handled' });
      expect(stored.mock.calls.map(([event]) => event.id)).not.toContain(gone.id);
      expect(await objectExists(gone.file_key)).toBe(false);
      expect((await statusOf(gone.id)).status).toBe('deleted');
      expect((await statusOf(alive.id)).status).toBe('stored');
    } finally {
      stored.mockRestore();
      dynamodb.destroy();
    }
  });

  const recordsAbout = (id: string) => streamRecordsAbout(kinesis, pipeline.streamName, id);
});
