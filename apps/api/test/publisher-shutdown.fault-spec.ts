import { randomUUID } from 'node:crypto';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { e2eEnvironment, SINGLE_USER_LOAD, waitFor } from '../../../test-kit';
import { createStream, localKinesisClient } from '../../../test-kit/aws';
import { FaultyKinesisProxy, readWholeStream, recordJson } from '../../../test-kit/faulty-kinesis';
import { ApiProcess } from './support/api.process';

/**
 * Issue 4, shutdown: a SIGTERM while uploads wait for Kinesis. Nest stops taking requests,
 * lets those in flight finish (their records are flushed: ClientKinesis waits on
 * onApplicationShutdown), then exits by itself. Every upload that got its 202 is in the
 * stream; none is left hanging.
 */
describe('api shutdown with records in flight', () => {
  const env = e2eEnvironment();
  const streamName = `fault-shutdown-${randomUUID().slice(0, 8)}`;
  const demo = `Bearer ${env.users.demo.accessToken}`;
  let proxy: FaultyKinesisProxy;
  let direct: KinesisClient;
  let api: ApiProcess;

  beforeAll(async () => {
    direct = localKinesisClient(env);
    await createStream(env, streamName, 2);
    proxy = await FaultyKinesisProxy.start({ target: env.endpoints.kinesis! });
    // Slow Kinesis: every PutRecords takes 400 ms, so records are surely in flight at the SIGTERM.
    proxy.configure({ latencyMs: 400 });
    // 40 uploads of one user at once: the per-user limits are not what is tested here.
    api = await ApiProcess.start({ ...env.appEnvironment, KINESIS_STREAM_NAME: streamName, AWS_ENDPOINT_URL_KINESIS: proxy.endpoint, ...SINGLE_USER_LOAD });
  });

  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    direct?.destroy();
  });

  it('answers the uploads in flight, flushes their records, and exits by itself', async () => {
    const uploads = Array.from({ length: 40 }, async (_, n) => {
      try {
        const res = await fetch(`${api.url}/uploads`, {
          method: 'POST',
          headers: { Authorization: demo, 'Content-Type': 'text/plain', Connection: 'close' },
          body: `shutdown upload ${n}`,
          signal: AbortSignal.timeout(20_000),
        });
        return { status: res.status, id: ((await res.json()) as { id?: string }).id };
      } catch (error) {
        return { status: 0, error: String(error) };
      }
    });
    await waitFor(() => proxy.stats.requests >= 1, { timeoutMs: 10_000, description: 'a PutRecords call in flight' });

    const stoppedAt = Date.now();
    const how = await api.stop();
    const outcomes = await Promise.all(uploads);

    const accepted = outcomes.filter((o) => o.status === 202).map((o) => o.id!);
    const inStream = new Set((await readWholeStream(direct, streamName)).map((r) => recordJson<{ data: { id: string } }>(r).data.id));
    console.info(`shutdown: ${JSON.stringify({ statuses: outcomes.map((o) => o.status), exit: how, stopMs: Date.now() - stoppedAt })}`);

    expect(how.signal).not.toBe('SIGKILL'); // it exited by itself, it did not hang
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.filter((id) => !inStream.has(id))).toEqual([]);
    // An upload either got its 202 or was refused before it was read (never a 5xx for a record left behind).
    expect(outcomes.filter((o) => o.status !== 202 && o.status !== 0 && o.status !== 503)).toEqual([]);
  });
});
