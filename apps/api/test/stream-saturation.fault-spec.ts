import type { INestApplication } from '@nestjs/common';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { randomUUID } from 'node:crypto';
import { e2eEnvironment, SINGLE_USER_LOAD, startApi, waitFor } from '../../../test-kit';
import { createStream, localKinesisClient } from '../../../test-kit/aws';
import { readWholeStream, recordJson } from '../../../test-kit/faulty-kinesis';
import { startAwsProfile, type AwsProfile } from '../../../tools/local-cloud/aws-profile';
import { ConcurrentLoad } from './support/concurrent-load';
import { postUpload, tally, type UploadOutcome } from './support/upload-outcome';

/** The api's default publish deadline: without load shedding, what a client would wait for its 503. */
const PUBLISH_DEADLINE_MS = 5_000;
/**
 * 32 KiB uploads fill a shard's 1 MiB/s (AWS's write limit, enforced by the AWS profile) at
 * some 23 per second once base64-encoded into their events; 32 clients ask for far more.
 */
const BODY = Buffer.alloc(32 * 1024, 'saturation ');
const CLIENTS = 32;

/**
 * The stream's write capacity exhausted, through the real path: the api in-process, its
 * Kinesis endpoint the AWS profile's proxy (Kinesis' per-shard limits, AWS latencies) in front of
 * kinesalite, a stream of one shard. Clients must get 202 for what the shard takes and 503 with
 * Retry-After for the rest, quickly once the publisher knows the stream is saturated (it sheds
 * load instead of queuing uploads until their deadline), and every 202 must be in the stream.
 */
describe('Stream write capacity exhausted (api → AWS profile → kinesalite, 1 shard)', () => {
  const env = e2eEnvironment();
  const demo = `Bearer ${env.users.demo.accessToken}`;
  let profile: AwsProfile;
  let direct: KinesisClient;
  let api: INestApplication | undefined;

  beforeAll(async () => {
    direct = localKinesisClient(env);
    profile = await startAwsProfile({
      targets: { kinesis: env.endpoints.kinesis, s3: env.endpoints.s3, dynamodb: env.endpoints.dynamodb },
      credentials: env.credentials,
      region: env.region,
    });
  });

  afterAll(async () => {
    await api?.close();
    direct?.destroy();
    await profile?.close();
  });

  it('answers 202 for what the shard takes and 503 + Retry-After for the rest, fast once saturated; every 202 is in the stream', async () => {
    const streamName = `saturated-${randomUUID().slice(0, 8)}`;
    await createStream(env, streamName, 1);
    api = await startApi({
      streamName,
      listen: true,
      environment: {
        AWS_ENDPOINT_URL_KINESIS: profile.endpoints.kinesis,
        KINESIS_PUBLISH_DEADLINE_MS: String(PUBLISH_DEADLINE_MS),
        // Inline, so each upload's bytes are in its record and fill the shard's 1 MiB/s (by
        // default a 32 KiB file is staged and its event is a ~1 KiB reference).
        UPLOAD_INLINE_MAX_BYTES: String(BODY.length),
        // One user sends everything: the per-user limits are not what is tested here.
        ...SINGLE_USER_LOAD,
      },
    });
    const url = await api.getUrl();
    const load = new ConcurrentLoad<UploadOutcome>(CLIENTS, () => postUpload(url, demo, BODY, 'application/octet-stream'));
    let outcomes: UploadOutcome[];
    try {
      // Enough answers after the first 503 (the publisher has seen the shard refuse) to judge how fast they come.
      await waitFor(
        () => {
          const first503 = load.results.find((o) => o.status === 503);
          return first503 !== undefined && load.results.filter((o) => o.startedAt > first503.endedAt).length >= 200;
        },
        { timeoutMs: 60_000, intervalMs: 100, description: '200 answers after the first 503' },
      );
    } finally {
      outcomes = await load.stop();
    }

    const first503 = Math.min(...outcomes.filter((o) => o.status === 503).map((o) => o.endedAt));
    const saturated = outcomes.filter((o) => o.startedAt > first503);
    const refusedWhileSaturated = saturated.filter((o) => o.status === 503);
    const quick = refusedWhileSaturated.filter((o) => o.endedAt - o.startedAt < PUBLISH_DEADLINE_MS / 5);
    const inStream = new Set(
      (await readWholeStream(direct, streamName)).map((r) => recordJson<{ data?: { id?: string } }>(r).data?.id),
    );
    const missing = outcomes.filter((o) => o.status === 202 && (!o.id || !inStream.has(o.id)));
    // Seen in the jest output: how the api fared is the point of this suite.
    console.info(
      `saturation: ${JSON.stringify({
        byStatus: tally(outcomes),
        whileSaturated: tally(saturated),
        quick503: `${quick.length}/${refusedWhileSaturated.length}`,
        throttled: profile.stats().kinesis,
        missingFromStream: missing.length,
      })}`,
    );

    // The shard's limit was really hit, and the api still took what it could.
    expect(outcomes.some((o) => o.status === 202)).toBe(true);
    expect(refusedWhileSaturated.length).toBeGreaterThanOrEqual(100);
    // Only 202 or 503 + Retry-After, never a hang or another answer.
    expect(outcomes.filter((o) => o.status !== 202 && o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503 && !o.retryAfter)).toEqual([]);
    // Once saturated, 503s come well before the deadline: nine in ten within a fifth of it (a
    // count, not a latency percentile, so a slow machine does not fail it; without shedding
    // each would wait for the whole deadline).
    expect(quick.length).toBeGreaterThanOrEqual(0.9 * refusedWhileSaturated.length);
    // The promise: zero acknowledged uploads missing from the stream.
    expect(missing).toEqual([]);
  }, 180_000);
});
