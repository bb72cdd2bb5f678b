import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { e2eEnvironment, SINGLE_USER_LOAD, waitFor } from '../../../test-kit';
import { createStream, localKinesisClient } from '../../../test-kit/aws';
import { FaultyKinesisProxy, readWholeStream, recordJson } from '../../../test-kit/faulty-kinesis';
import { ConcurrentLoad } from './support/concurrent-load';
import { postUpload, tally, type UploadOutcome } from './support/upload-outcome';

/** The api's publish deadline in the outage test: a request may wait that long for Kinesis, no longer. */
const PUBLISH_DEADLINE_MS = 2_000;
/** What a request may take beyond that deadline: auth, the status write, a busy 2-core machine. */
const RESPONSE_SLACK_MS = 4_000;
/**
 * Under 30% failing records the publisher must ride the faults out, not give up: a publisher
 * answering 503 to everything would otherwise pass "every 202 is in the stream" trivially.
 */
const MIN_ACCEPTED_SHARE = 0.95;

/**
 * The api's Kinesis publisher under faults kinesalite never produces: per-record PutRecords
 * failures, throttled and dropped requests, an outage. The real api app, in-process, with
 * its Kinesis endpoint pointed at a fault-injecting proxy; the stream is then read directly
 * from kinesalite. The one promise checked: a 202 means the event is in the stream.
 */
describe('Kinesis publisher under faults (api → faulty proxy → kinesalite)', () => {
  const env = e2eEnvironment();
  const demo = `Bearer ${env.users.demo.accessToken}`;
  const savedEnv = { ...process.env };
  let proxy: FaultyKinesisProxy;
  let direct: KinesisClient;
  let api: INestApplication | undefined;

  async function startApi(streamName: string, overrides: Record<string, string> = {}): Promise<{ app: INestApplication; url: string }> {
    // One user sends thousands of uploads at once: the per-user limits are not what is tested here.
    process.env = { ...savedEnv, KINESIS_STREAM_NAME: streamName, AWS_ENDPOINT_URL_KINESIS: proxy.endpoint, ...SINGLE_USER_LOAD, ...overrides };
    // Imported after the environment is set: the api reads it when the module compiles.
    const { AppModule } = await import('../src/app.module');
    const { configureApp } = await import('../src/configure-app');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { app, url: `http://127.0.0.1:${port}` };
  }

  function upload(url: string, n: number): Promise<UploadOutcome> {
    return postUpload(url, demo, `fault suite upload ${n} ${randomUUID()}\n`);
  }

  /** Upload ids whose `file.uploaded` event is in the stream (read from kinesalite itself). */
  async function idsInStream(streamName: string): Promise<Set<string>> {
    const records = await readWholeStream(direct, streamName);
    return new Set(records.map((r) => recordJson<{ data?: { id?: string } }>(r).data?.id).filter((id): id is string => !!id));
  }

  function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)];
  }

  function report(title: string, details: Record<string, unknown>): void {
    // Seen in the jest output: how the publisher fared is the point of this suite.
    console.info(`${title}: ${JSON.stringify(details)}`);
  }

  beforeAll(async () => {
    direct = localKinesisClient(env);
    proxy = await FaultyKinesisProxy.start({ target: env.endpoints.kinesis! });
  });

  afterEach(async () => {
    await api?.close();
    api = undefined;
    process.env = { ...savedEnv };
  });

  afterAll(async () => {
    direct?.destroy();
    await proxy?.close();
  });

  it('thousands of concurrent uploads with 30% of records and some requests failing: every 202 is in the stream', async () => {
    const streamName = `fault-uploads-${randomUUID().slice(0, 8)}`;
    await createStream(env, streamName, 4);
    const started = await startApi(streamName);
    api = started.app;
    proxy.configure({
      recordFailureRate: 0.3,
      requestFailureRate: 0.05,
      // Lost responses too: written but unanswered, so a retrying publisher makes duplicates (allowed).
      requestFailureMix: { throttle: 2, internal: 1, disconnect: 1, 'lost-response': 1 },
      down: false,
    });
    proxy.resetStats();

    const uploads = 2_000;
    const outcomes = await new ConcurrentLoad(64, (n) => upload(started.url, n), uploads).finished;
    proxy.configure({ recordFailureRate: 0, requestFailureRate: 0 });

    const accepted = outcomes.filter((o) => o.status === 202);
    const inStream = await idsInStream(streamName);
    const missing = accepted.filter((o) => !o.id || !inStream.has(o.id));
    const toldIds = new Set(outcomes.flatMap((o) => (o.id ? [o.id] : [])));
    const untold = [...inStream].filter((id) => !toldIds.has(id));
    const slowest = Math.max(...outcomes.map((o) => o.endedAt - o.startedAt));
    report('faults: 30% records, 5% requests', {
      uploads,
      byStatus: tally(outcomes),
      unavailableWithId: outcomes.filter((o) => o.status === 503 && o.id).length,
      missingFromStream: missing.length,
      inStreamButIdNeverTold: untold.length,
      slowestMs: Math.round(slowest),
      proxy: proxy.stats,
      errors: [...new Set(outcomes.filter((o) => o.error).map((o) => o.error))].slice(0, 3),
    });

    // The faults really happened (otherwise the rest proves nothing).
    expect(proxy.stats.recordsFailed).toBeGreaterThan(0);
    expect(proxy.stats.requestsFailed).toBeGreaterThan(0);
    // Each upload was answered, and only with 202 or 503 + Retry-After.
    expect(outcomes.filter((o) => o.status !== 202 && o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503 && !o.retryAfter)).toEqual([]);
    // The promise: zero acknowledged uploads missing from the stream.
    expect(missing).toEqual([]);
    // And the other way round: every upload that reached the stream had its id told to its client.
    expect(untold).toEqual([]);
    expect(accepted.length / uploads).toBeGreaterThanOrEqual(MIN_ACCEPTED_SHARE);
  }, 180_000);

  it('every answer lost after Kinesis wrote the event: 503 with the id and outcome unknown, the upload findable, nothing in the stream unknown to its client', async () => {
    const streamName = `fault-lost-${randomUUID().slice(0, 8)}`;
    await createStream(env, streamName, 2);
    const started = await startApi(streamName, { KINESIS_PUBLISH_DEADLINE_MS: String(PUBLISH_DEADLINE_MS) });
    api = started.app;
    // Every write reaches kinesalite and loses its answer: the publisher can never know.
    proxy.configure({ recordFailureRate: 0, requestFailureRate: 1, requestFailureMix: { throttle: 0, internal: 0, disconnect: 0, 'lost-response': 1 }, down: false });
    proxy.resetStats();
    let outcomes: UploadOutcome[];
    try {
      outcomes = await new ConcurrentLoad(8, (n) => upload(started.url, n), 24).finished;
    } finally {
      proxy.configure({ requestFailureRate: 0 });
    }
    const inStream = await idsInStream(streamName);
    report('lost responses', { uploads: outcomes.length, byStatus: tally(outcomes), namedIn503: outcomes.filter((o) => o.id).length, inStream: inStream.size, proxy: proxy.stats });

    const named = outcomes.filter((o) => o.id);
    expect(proxy.stats.requestsFailed).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status !== 503 || !o.retryAfter)).toEqual([]);
    // Those whose event was sent are named (here every sent event is written); once the
    // publisher has seen calls go unanswered it refuses new uploads at once, which are not in
    // the stream and need no id.
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((o) => !inStream.has(o.id!))).toEqual([]);
    const toldIds = new Set(named.map((o) => o.id));
    expect([...inStream].filter((id) => !toldIds.has(id))).toEqual([]);
    // The client can find it: pending, marked unconfirmed, until a worker stores it.
    for (const { id } of named.slice(0, 5)) {
      const res = await fetch(`${started.url}/uploads/${id}`, { headers: { Authorization: demo } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id, status: 'pending', unconfirmed_since: expect.any(String) });
    }
  }, 180_000);

  it('Kinesis down mid-run: 503 + Retry-After within the deadline, 202 again after recovery, every 202 in the stream', async () => {
    const streamName = `fault-outage-${randomUUID().slice(0, 8)}`;
    await createStream(env, streamName, 4);
    const started = await startApi(streamName, { KINESIS_PUBLISH_DEADLINE_MS: String(PUBLISH_DEADLINE_MS) });
    api = started.app;
    proxy.configure({ recordFailureRate: 0, requestFailureRate: 0, down: false });
    proxy.resetStats();
    const load = new ConcurrentLoad(16, (n) => upload(started.url, n));
    const accepted = (since = 0) => load.results.filter((o) => o.status === 202 && o.startedAt >= since);

    try {
      await waitFor(() => accepted().length >= 100, { timeoutMs: 30_000, description: '100 uploads accepted before the outage' });

      const downAt = performance.now();
      proxy.configure({ down: true });
      // The outage lasts well past the deadline, so that whole requests start and end inside it.
      const answeredInOutage = () => load.results.filter((o) => o.startedAt >= downAt);
      await waitFor(
        () => performance.now() - downAt >= 2.5 * PUBLISH_DEADLINE_MS && answeredInOutage().length >= 20,
        { timeoutMs: 30_000, intervalMs: 100, description: 'an outage of 2.5 deadlines with 20 answers' },
      );
      const upAt = performance.now();
      proxy.configure({ down: false });

      await waitFor(() => accepted(upAt).length >= 100, { timeoutMs: 30_000, description: '100 uploads accepted after recovery' });
      const outcomes = await load.stop();

      const insideOutage = outcomes.filter((o) => o.startedAt >= downAt && o.endedAt <= upAt);
      const firstRecovered = Math.min(...accepted(upAt).map((o) => o.endedAt));
      const afterRecovery = outcomes.filter((o) => o.startedAt >= firstRecovered);
      const inStream = await idsInStream(streamName);
      const missing = outcomes.filter((o) => o.status === 202 && (!o.id || !inStream.has(o.id)));
      const slowest = Math.max(...outcomes.map((o) => o.endedAt - o.startedAt));
      report('outage', {
        uploads: outcomes.length,
        byStatus: tally(outcomes),
        insideOutage: tally(insideOutage),
        outageMs: Math.round(upAt - downAt),
        // Near the deadline when each upload waited out the outage; milliseconds once the publisher sheds.
        outage503MedianMs: Math.round(median(insideOutage.map((o) => o.endedAt - o.startedAt))),
        recoveryMs: Math.round(firstRecovered - upAt),
        afterRecovery: tally(afterRecovery),
        missingFromStream: missing.length,
        slowestMs: Math.round(slowest),
        proxy: proxy.stats,
      });

      // During the outage: 503 with Retry-After, never 202, never a hang.
      expect(insideOutage.length).toBeGreaterThanOrEqual(10);
      expect(insideOutage.filter((o) => o.status !== 503 || !o.retryAfter)).toEqual([]);
      // Fast: once the publisher has seen Kinesis down, new uploads are refused at once while the
      // held records probe it, instead of each waiting out the deadline. Most of them, counted (a
      // slow machine does not fail it): the probes themselves still wait their deadline.
      const quick = insideOutage.filter((o) => o.endedAt - o.startedAt < PUBLISH_DEADLINE_MS / 5);
      expect(quick.length).toBeGreaterThanOrEqual(0.8 * insideOutage.length);
      expect(slowest).toBeLessThanOrEqual(PUBLISH_DEADLINE_MS + RESPONSE_SLACK_MS);
      // Back to 202 soon after Kinesis is, and for every upload started from then on.
      expect(firstRecovered - upAt).toBeLessThanOrEqual(PUBLISH_DEADLINE_MS + RESPONSE_SLACK_MS);
      expect(afterRecovery.filter((o) => o.status !== 202)).toEqual([]);
      // Only 202 or 503 throughout, and zero acknowledged uploads missing from the stream.
      expect(outcomes.filter((o) => o.status !== 202 && o.status !== 503)).toEqual([]);
      expect(missing).toEqual([]);
    } finally {
      proxy.configure({ down: false });
      await load.stop();
    }
  }, 180_000);
});
