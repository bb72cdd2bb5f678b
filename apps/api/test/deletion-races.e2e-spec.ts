import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createDynamoDbDocumentClient } from '@lib/aws';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { BatchingRecordSender, S3DeadLetterRedrive } from '@lib/kinesis';
import { completionKeyOf, pendingKeyOf, UploadStatusRepository } from '@lib/upload-status';
import request from 'supertest';
import { bearer, createTestUser, e2eEnvironment, startApi, startPipeline, waitFor, type TestPipeline, type TestUser } from '../../../test-kit';
import { localAwsOptions, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { skipDeletedUploads } from '../../../tools/ops/deleted-uploads.redrive-policy';
import { uploadIdOfLetter } from '../../worker/src/dead-letters/dead-letter.index';
import { UploadDeletionProcessor } from '../../worker/src/deletions/upload-deletion.processor';
import { FileEventRejectedError } from '../../worker/src/files/file-event-rejected.error';
import { FileUploadProcessor } from '../../worker/src/files/file-upload.processor';
import { FileStorage } from '../../worker/src/files/file.storage';

const WAIT = { timeoutMs: 30_000 };

/** A promise to hold a handler at a chosen point, and its release. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Deletion is final: every race between an upload and its deletion ends with the upload
 * `deleted` and nothing of it left (no version of its file, staged bytes, grant, dead letter,
 * pending item or completion marker). The api, a second api and a worker run in-process on a
 * stream of their own; the worker's handlers are held at chosen points to force each order.
 */
describe('deletion races (api → Kinesis → worker → S3, DynamoDB)', () => {
  const env = e2eEnvironment();
  let pipeline: TestPipeline;
  /** A second api whose events are keyed by owner: its deletions do not queue behind their uploads. */
  let byOwner: INestApplication;
  let owner: TestUser;
  let s3: S3Client;
  let kinesis: KinesisClient;
  let dynamodb: DynamoDBDocumentClient;

  beforeAll(async () => {
    s3 = localS3Client(env);
    kinesis = localKinesisClient(env);
    dynamodb = createDynamoDbDocumentClient(localAwsOptions(env));
    owner = await createTestUser();
    // A fixed number of records in flight per shard: a handler held by a test must not keep a
    // deletion of another key on the same shard from being handled (`auto` may start at 1).
    // Eight completes at once from one user: above the api's default cap on concurrent completions (4).
    const completions = { UPLOAD_MAX_CONCURRENT_COMPLETIONS: '16' };
    pipeline = await startPipeline({
      stream: { prefix: 'e2e-deletion-races', shards: 4 },
      api: { environment: completions },
      worker: { environment: { KINESIS_MAX_CONCURRENCY: '8' } },
    });
    byOwner = await startApi({ streamName: pipeline.streamName, environment: { UPLOAD_PARTITION_KEY: 'owner', ...completions } });
  });

  afterAll(async () => {
    await byOwner?.close();
    await pipeline?.close();
    s3?.destroy();
    kinesis?.destroy();
    dynamodb?.destroy();
  });

  afterEach(() => jest.restoreAllMocks());

  const api = (app = pipeline.api) => request(app.getHttpServer());
  const statusOf = async (id: string) => (await api().get(`/uploads/${id}`).set('Authorization', bearer(owner))).body.status as string;

  async function uploadInline(text: string): Promise<{ id: string; file_key: string }> {
    const res = await api().post('/uploads').set('Authorization', bearer(owner)).set('Content-Type', 'text/plain').set('X-Filename', 'secret.txt').send(text).expect(202);
    return res.body;
  }

  /** The shard Kinesis puts a partition key on: the one whose hash key range holds its MD5. */
  async function shardOf(partitionKey: string): Promise<string> {
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: pipeline.streamName }));
    const hash = BigInt(`0x${createHash('md5').update(partitionKey).digest('hex')}`);
    return Shards.find((shard) => BigInt(shard.HashKeyRange!.StartingHashKey!) <= hash && hash <= BigInt(shard.HashKeyRange!.EndingHashKey!))!.ShardId!;
  }

  /**
   * An inline upload on another shard than its deletion (keyed by owner on the second api): a
   * shard hands its next page over only once the current one is done, so a deletion on the
   * shard of an upload held by a test would wait for that upload.
   */
  async function uploadAwayFromItsDeletion(text: string): Promise<{ id: string; file_key: string }> {
    const deletionShard = await shardOf(owner.sub);
    for (;;) {
      const uploaded = await uploadInline(text);
      if ((await shardOf(uploaded.id)) !== deletionShard) return uploaded;
    }
  }

  async function versionsUnder(prefix: string): Promise<string[]> {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: env.bucket, Prefix: prefix }));
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((version) => version.Key!);
  }

  /** What must be left of a deleted upload: its tombstone, and nothing else. */
  async function expectErased(id: string): Promise<void> {
    expect(await statusOf(id)).toBe('deleted');
    expect({
      file: await versionsUnder(`uploads/${id}.`),
      staged: await versionsUnder(`incoming/${id}`),
      deadLetterIndex: await versionsUnder(`dead-letter-index/${id}/`),
    }).toEqual({ file: [], staged: [], deadLetterIndex: [] });
    for (const key of [pendingKeyOf(id), completionKeyOf(id)]) {
      expect((await dynamodb.send(new GetCommand({ TableName: env.uploadsTable, Key: { id: key }, ConsistentRead: true }))).Item).toBeUndefined();
    }
    await api().get(`/uploads/${id}/content`).set('Authorization', bearer(owner)).expect(404);
  }

  /** Spies on both handlers; `settled(id)` waits until both have finished with that upload. */
  function watchHandlers() {
    const uploads = jest.spyOn(FileUploadProcessor.prototype, 'process');
    const deletions = jest.spyOn(UploadDeletionProcessor.prototype, 'process');
    const outcome = async (spy: typeof uploads | typeof deletions, id: string) => {
      const index = spy.mock.calls.findIndex(([event]) => event.id === id);
      return index === -1 ? undefined : await spy.mock.results[index].value;
    };
    return {
      uploads,
      deletions,
      uploadOutcome: (id: string) => outcome(uploads, id),
      deletionOutcome: (id: string) => outcome(deletions, id),
      settled: (id: string) =>
        waitFor(async () => ((await outcome(uploads, id)) !== undefined && (await outcome(deletions, id)) !== undefined) || undefined, {
          ...WAIT,
          description: `both events of ${id} handled`,
        }),
    };
  }

  describe('an upload event handled after its deletion event (UPLOAD_PARTITION_KEY changed mid-stream)', () => {
    it('is not stored when it reaches the worker after the deletion: the tombstone was written over the pending upload', async () => {
      const hold = gate();
      const original = FileUploadProcessor.prototype.process;
      const handlers = watchHandlers();
      const { id } = await uploadAwayFromItsDeletion(`late upload ${randomUUID()}`);
      handlers.uploads.mockImplementation(async function (this: FileUploadProcessor, ...args) {
        if (args[0].id === id) await hold.opened;
        return original.apply(this, args);
      });
      try {
        await api(byOwner).delete(`/uploads/${id}`).set('Authorization', bearer(owner)).expect(202);
        await waitFor(async () => (await statusOf(id)) === 'deleted' || undefined, { ...WAIT, description: `${id} deleted while its upload waits` });
      } finally {
        // Never left held: the record would stall its shard for the suites after this one.
        hold.open();
      }
      await handlers.settled(id);
      expect(await handlers.uploadOutcome(id)).toBe('deleted');
      await expectErased(id);
    });

    it('erases the object it wrote when the tombstone lands between its status read and its stored write', async () => {
      const hold = gate();
      const originalPut = FileStorage.prototype.put;
      const handlers = watchHandlers();
      const { id, file_key } = await uploadAwayFromItsDeletion(`racing upload ${randomUUID()}`);
      const put = jest.spyOn(FileStorage.prototype, 'put').mockImplementation(async function (this: FileStorage, ...args) {
        if (args[0].id === id) await hold.opened;
        return originalPut.apply(this, args);
      });
      try {
        // The handler has read the status (not deleted) and waits to write the object.
        await waitFor(() => put.mock.calls.some(([event]) => event.id === id) || undefined, { ...WAIT, description: 'the upload at its write' });
        await api(byOwner).delete(`/uploads/${id}`).set('Authorization', bearer(owner)).expect(202);
        await waitFor(() => handlers.deletionOutcome(id), { ...WAIT, description: 'the deletion handled' });
      } finally {
        hold.open();
      }
      await handlers.settled(id);
      // It did write the object, after the deletion's erasure: its refused `stored` made it erase it.
      expect(put.mock.calls.map(([event]) => event.file_key)).toContain(file_key);
      expect(await handlers.uploadOutcome(id)).toBe('deleted');
      await expectErased(id);
    });
  });

  it('delete during complete (two api instances): every deletion that was accepted is final', async () => {
    const handlers = watchHandlers();
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        const bytes = Buffer.from(`presigned ${n} ${randomUUID()}`);
        const created = await api().post('/uploads/presigned').set('Authorization', bearer(owner)).send({ content_type: 'text/plain', size: bytes.length, filename: `plan-${n}.txt` }).expect(201);
        const { id, upload_url, method, headers } = created.body;
        const { 'Content-Length': _length, ...headersToSend } = headers as Record<string, string>;
        expect((await fetch(upload_url, { method, headers: headersToSend, body: bytes })).status).toBe(200);
        return id as string;
      }),
    );
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const completing = api().post(`/uploads/${id}/complete`).set('Authorization', bearer(owner)).then((res) => res.status);
        // DELETE on the other api as soon as the upload is known (404 until complete's pending write).
        const deleted = await waitFor(
          async () => {
            const res = await api(byOwner).delete(`/uploads/${id}`).set('Authorization', bearer(owner));
            return res.status === 404 ? undefined : res.status;
          },
          { ...WAIT, intervalMs: 5, description: `DELETE of ${id} accepted` },
        );
        return { completed: await completing, deleted };
      }),
    );
    expect(outcomes.every(({ completed, deleted }) => completed === 202 && deleted === 202)).toBe(true);
    for (const id of ids) {
      await handlers.settled(id);
      await expectErased(id);
    }
    // A complete after the deletion is refused.
    await api().post(`/uploads/${ids[0]}/complete`).set('Authorization', bearer(owner)).expect(410);
  });

  describe('redrive after delete', () => {
    /** An upload the worker dead-letters for real (its sink, its index), recorded failed. */
    async function deadLettered(): Promise<{ id: string; file_key: string }> {
      const originalPut = FileStorage.prototype.put;
      const uploaded = await uploadInline(`dead-lettered ${randomUUID()}`);
      jest.spyOn(FileStorage.prototype, 'put').mockImplementation(async function (this: FileStorage, ...args) {
        if (args[0].id === uploaded.id) throw new FileEventRejectedError(uploaded.id, 'rejected by the test');
        return originalPut.apply(this, args);
      });
      await waitFor(async () => (await statusOf(uploaded.id)) === 'failed' || undefined, { ...WAIT, description: `${uploaded.id} dead-lettered` });
      jest.restoreAllMocks();
      expect(await versionsUnder(`dead-letter-index/${uploaded.id}/`)).toHaveLength(1);
      return uploaded;
    }

    it("the deletion erases the upload's dead letters, so a redrive finds nothing to publish", async () => {
      const { id } = await deadLettered();
      const [indexEntry] = await versionsUnder(`dead-letter-index/${id}/`);
      const letterKey = indexEntry.slice(`dead-letter-index/${id}/`.length);
      expect(await versionsUnder(letterKey)).toEqual([letterKey]);
      const handlers = watchHandlers();
      await api().delete(`/uploads/${id}`).set('Authorization', bearer(owner)).expect(202);
      await waitFor(() => handlers.deletionOutcome(id), { ...WAIT, description: `the deletion of ${id} handled` });
      expect(await versionsUnder(letterKey)).toEqual([]);
      await expectErased(id);
    });

    it('a redrive that checked the upload just before its deletion publishes an event the worker does not store', async () => {
      const { id } = await deadLettered();
      const [indexEntry] = await versionsUnder(`dead-letter-index/${id}/`);
      const shardId = indexEntry.split('/')[3];
      const handlers = watchHandlers();
      const statuses = new UploadStatusRepository(dynamodb, env.uploadsTable);
      const policy = skipDeletedUploads(statuses);
      const redrive = new S3DeadLetterRedrive(s3, env.bucket, new BatchingRecordSender(kinesis, pipeline.streamName));
      const summary = await redrive.run({
        shardId,
        policy: async (letter) => {
          if (uploadIdOfLetter(letter) !== id) return { action: 'leave', why: "another test's letter" };
          const verdict = await policy(letter);
          // The deletion lands between the redrive's check and its publish.
          await api().delete(`/uploads/${id}`).set('Authorization', bearer(owner)).expect(202);
          await waitFor(async () => (await statusOf(id)) === 'deleted' || undefined, { ...WAIT, description: `${id} deleted` });
          return verdict;
        },
      });
      expect(summary.redriven).toHaveLength(1);
      await waitFor(() => handlers.uploadOutcome(id), { ...WAIT, description: 'the redriven upload handled' });
      expect(await handlers.uploadOutcome(id)).toBe('deleted');
      await expectErased(id);
    });
  });
});
