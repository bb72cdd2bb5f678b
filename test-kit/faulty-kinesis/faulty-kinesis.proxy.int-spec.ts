import {
  KinesisClient,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomUUID } from 'node:crypto';
import { e2eEnvironment } from '../e2e-environment';
import { waitFor } from '../wait-for';
import { createStream, localKinesisClient } from '../aws';
import { FaultyKinesisProxy } from './faulty-kinesis.proxy';
import { readWholeStream, recordJson } from './read-stream';

/**
 * The proxy against a real kinesalite: what its faked answers tell an SDK client must be
 * exactly what is in the stream, and its errors must look to the SDK like Kinesis' own.
 */
describe('FaultyKinesisProxy (in front of kinesalite)', () => {
  const env = e2eEnvironment();
  let proxy: FaultyKinesisProxy;
  let direct: KinesisClient;
  const clients: KinesisClient[] = [];

  /** An SDK client through the proxy, as libs/aws builds one (HTTP/1.1 handler); no retries by default. */
  function viaProxy(maxAttempts = 1): KinesisClient {
    const client = new KinesisClient({
      region: env.region,
      endpoint: proxy.endpoint,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 }),
      maxAttempts,
    });
    clients.push(client);
    return client;
  }

  async function newStream(shards = 4): Promise<string> {
    const name = `faulty-proxy-${randomUUID().slice(0, 8)}`;
    await createStream(env, name, shards);
    return name;
  }

  const record = (run: string, n: number) => ({
    Data: Buffer.from(JSON.stringify({ run, n })),
    PartitionKey: `${run}-${n}`,
  });

  beforeAll(async () => {
    direct = localKinesisClient(env);
    proxy = await FaultyKinesisProxy.start({ target: env.endpoints.kinesis!, seed: 20261127 });
  });

  afterEach(() => proxy.configure({ recordFailureRate: 0, requestFailureRate: 0, down: false, latencyMs: 0 }));

  afterAll(async () => {
    for (const client of clients) client.destroy();
    direct?.destroy();
    await proxy?.close();
  });

  describe('per-record failures (PutRecords)', () => {
    it('with 30% failing over 2000 records, what succeeded is exactly what the stream holds', async () => {
      const stream = await newStream();
      const run = randomUUID();
      const kinesis = viaProxy();
      proxy.configure({ recordFailureRate: 0.3 });
      proxy.resetStats();

      const batches = Array.from({ length: 4 }, (_, b) => Array.from({ length: 500 }, (_, i) => b * 500 + i));
      const outputs = await Promise.all(
        batches.map((ns) => kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: ns.map((n) => record(run, n)) }))),
      );

      const results = new Map<number, PutRecordsResultEntry>();
      outputs.forEach((output, b) => {
        expect(output.Records).toHaveLength(500);
        expect(output.FailedRecordCount).toBe(output.Records!.filter((r) => r.ErrorCode).length);
        output.Records!.forEach((entry, i) => results.set(batches[b][i], entry));
      });
      const failed = [...results].filter(([, r]) => r.ErrorCode).map(([n]) => n);
      const succeeded = new Map([...results].filter(([, r]) => !r.ErrorCode));
      expect(failed.length / 2000).toBeGreaterThan(0.25);
      expect(failed.length / 2000).toBeLessThan(0.35);
      const codes = new Set(failed.map((n) => results.get(n)!.ErrorCode));
      expect(codes).toEqual(new Set(['ProvisionedThroughputExceededException', 'InternalFailure']));
      expect(failed.every((n) => results.get(n)!.ErrorMessage)).toBe(true);

      const inStream = (await readWholeStream(direct, stream)).map((r) => ({
        ...recordJson<{ run: string; n: number }>(r),
        sequence: r.SequenceNumber,
      }));
      expect(inStream.every((r) => r.run === run)).toBe(true);
      const streamNs = inStream.map((r) => r.n).sort((a, b) => a - b);
      // Exactly the successes, each once: no failed record slipped through, none lost, none doubled.
      expect(streamNs).toEqual([...succeeded.keys()].sort((a, b) => a - b));
      // And each success's sequence number is the one of its own record (the order was put back right).
      for (const r of inStream) expect(succeeded.get(r.n)!.SequenceNumber).toBe(r.sequence);

      expect(proxy.stats).toMatchObject({
        requests: 4,
        requestsByOperation: { PutRecords: 4 },
        recordsFailed: failed.length,
        recordsForwarded: succeeded.size,
        requestsFailed: 0,
      });
    });

    it('does not call kinesalite at all when every record fails', async () => {
      const stream = await newStream(1);
      proxy.configure({ recordFailureRate: 1 });
      proxy.resetStats();
      const output = await viaProxy().send(
        new PutRecordsCommand({ StreamName: stream, Records: [record('x', 1), record('x', 2), record('x', 3)] }),
      );
      expect(output.FailedRecordCount).toBe(3);
      expect(output.Records!.every((r) => r.ErrorCode && !r.SequenceNumber)).toBe(true);
      expect(proxy.stats).toMatchObject({ recordsForwarded: 0, recordsFailed: 3 });
      expect(await readWholeStream(direct, stream)).toEqual([]);
    });

    it('fails a single-record PutRecord as a whole, with the record error as the SDK exception', async () => {
      const stream = await newStream(1);
      proxy.configure({ recordFailureRate: 1, recordErrorMix: { ProvisionedThroughputExceededException: 1, InternalFailure: 0 } });
      try {
        await expect(viaProxy().send(new PutRecordCommand({ StreamName: stream, ...record('x', 1) }))).rejects.toBeInstanceOf(
          ProvisionedThroughputExceededException,
        );
      } finally {
        proxy.configure({ recordErrorMix: { ProvisionedThroughputExceededException: 1, InternalFailure: 1 } });
      }
      expect(await readWholeStream(direct, stream)).toEqual([]);
    });
  });

  describe('whole-request failures', () => {
    async function failedPut(kind: 'throttle' | 'internal' | 'disconnect' | 'lost-response') {
      const stream = await newStream(1);
      proxy.configure({
        requestFailureRate: 1,
        requestFailureMix: { throttle: 0, internal: 0, disconnect: 0, 'lost-response': 0, [kind]: 1 },
      });
      try {
        const error = await viaProxy()
          .send(new PutRecordsCommand({ StreamName: stream, Records: [record('r', 1), record('r', 2)] }))
          .then(() => undefined, (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number }; code?: string });
        return { error, inStream: await readWholeStream(direct, stream) };
      } finally {
        proxy.configure({ requestFailureRate: 0, requestFailureMix: { throttle: 2, internal: 1, disconnect: 1, 'lost-response': 0 } });
      }
    }

    it('throttling: HTTP 400 that the SDK raises as ProvisionedThroughputExceededException; nothing written', async () => {
      const { error, inStream } = await failedPut('throttle');
      expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect(error!.$metadata?.httpStatusCode).toBe(400);
      expect(inStream).toEqual([]);
    });

    it('internal failure: HTTP 500 InternalFailure; nothing written', async () => {
      const { error, inStream } = await failedPut('internal');
      expect(error?.name).toBe('InternalFailure');
      expect(error!.$metadata?.httpStatusCode).toBe(500);
      expect(inStream).toEqual([]);
    });

    it('disconnect: a network error; nothing written', async () => {
      const { error, inStream } = await failedPut('disconnect');
      expect(error).toBeDefined();
      expect(error!.$metadata?.httpStatusCode).toBeUndefined();
      expect(inStream).toEqual([]);
    });

    it('lost response: a network error although the records were written', async () => {
      const { error, inStream } = await failedPut('lost-response');
      expect(error).toBeDefined();
      expect(error!.$metadata?.httpStatusCode).toBeUndefined();
      expect(inStream.map((r) => recordJson<{ n: number }>(r).n).sort()).toEqual([1, 2]);
    });

    it('leaves reads alone unless told to fail every call', async () => {
      const stream = await newStream(1);
      const kinesis = viaProxy();
      proxy.configure({ requestFailureRate: 1, requestFailureMix: { throttle: 1, internal: 0, disconnect: 0, 'lost-response': 0 } });
      await expect(kinesis.send(new ListShardsCommand({ StreamName: stream }))).resolves.toMatchObject({ Shards: [expect.anything()] });
      proxy.configure({ requestFailureTargets: 'all' });
      try {
        await expect(kinesis.send(new ListShardsCommand({ StreamName: stream }))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
      } finally {
        proxy.configure({ requestFailureTargets: 'writes', requestFailureMix: { throttle: 2, internal: 1, disconnect: 1, 'lost-response': 0 } });
      }
    });
  });

  describe('outage and latency', () => {
    it('down: every call fails, open keep-alive connections included, until it is back', async () => {
      const stream = await newStream(1);
      const kinesis = viaProxy();
      // A first call leaves a keep-alive connection open: going down must cut that one too.
      await kinesis.send(new PutRecordCommand({ StreamName: stream, ...record('d', 1) }));
      proxy.configure({ down: true });
      const before = proxy.stats.connectionsRefused;
      await expect(kinesis.send(new PutRecordCommand({ StreamName: stream, ...record('d', 2) }))).rejects.toThrow();
      await expect(kinesis.send(new ListShardsCommand({ StreamName: stream }))).rejects.toThrow();
      expect(proxy.stats.connectionsRefused).toBeGreaterThan(before);

      proxy.configure({ down: false });
      await kinesis.send(new PutRecordCommand({ StreamName: stream, ...record('d', 3) }));
      expect((await readWholeStream(direct, stream)).map((r) => recordJson<{ n: number }>(r).n)).toEqual([1, 3]);
    });

    it('down cuts a call in flight at once, and it never reaches the stream', async () => {
      const stream = await newStream(1);
      const kinesis = viaProxy();
      proxy.configure({ latencyMs: 3_000 });
      const seen = proxy.stats.requests;
      const put = kinesis.send(new PutRecordCommand({ StreamName: stream, ...record('f', 1) }));
      await waitFor(() => proxy.stats.requests > seen, { description: 'the put to reach the proxy' });
      const downAt = performance.now();
      proxy.configure({ down: true });
      await expect(put).rejects.toThrow();
      // Well before the 3 s latency would have run out: the connection was cut, not left to time out.
      expect(performance.now() - downAt).toBeLessThan(1_000);
      proxy.configure({ down: false, latencyMs: 0 });
      expect(await readWholeStream(direct, stream)).toEqual([]);
    });

    it('latencyMs delays each forwarded call', async () => {
      const stream = await newStream(1);
      const kinesis = viaProxy();
      await kinesis.send(new ListShardsCommand({ StreamName: stream }));
      proxy.configure({ latencyMs: 300 });
      const started = performance.now();
      await kinesis.send(new ListShardsCommand({ StreamName: stream }));
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    });
  });

  it('makes the same choices for the same seed', async () => {
    const stream = await newStream(1);
    const kinesis = viaProxy();
    const failures = async () => {
      proxy.configure({ recordFailureRate: 0.5, seed: 99 });
      const output = await kinesis.send(
        new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: 50 }, (_, i) => record('s', i)) }),
      );
      return output.Records!.map((r) => r.ErrorCode ?? 'ok');
    };
    const first = await failures();
    expect(first).toContain('ok');
    expect(first).not.toEqual(first.map(() => 'ok'));
    expect(await failures()).toEqual(first);
  });
});
