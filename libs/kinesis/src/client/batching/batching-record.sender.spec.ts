import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  KinesisClient,
  PutRecordsCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  type PutRecordsInput,
  type PutRecordsOutput,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchingRecordSender, type BatchingOptions } from './batching-record.sender';
import { DeadlineExceededError, OutcomeUnknownError, QueueFullError, SaturatedError } from '@lib/group-commit';
import { RecordRejectedError } from './record-rejected.error';

const kinesis = new KinesisClient({ region: 'us-east-1', maxAttempts: 1 });
const mock = mockClient(kinesis);

const entry = (key: string, bytes = 10) => ({ data: new Uint8Array(bytes).fill(1), partitionKey: key });
const keysOf = (input: PutRecordsInput) => (input.Records ?? []).map((r) => r.PartitionKey);
const accepted = (input: PutRecordsInput): PutRecordsOutput => ({
  FailedRecordCount: 0,
  Records: (input.Records ?? []).map((_, i) => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(i) })),
});

/** Calls that answer only when the test says so. */
function heldCalls() {
  const calls: Array<{ keys: string[]; answer: (output?: PutRecordsOutput) => void; fail: (e: unknown) => void }> = [];
  mock.on(PutRecordsCommand).callsFake(
    (input: PutRecordsInput) =>
      new Promise((resolve, reject) =>
        calls.push({ keys: keysOf(input) as string[], answer: (o) => resolve(o ?? accepted(input)), fail: reject }),
      ),
  );
  return calls;
}

function sender(options: BatchingOptions = {}) {
  return new BatchingRecordSender(kinesis, 'file-events', { deadlineMs: 2_000, ...options });
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 1));
  }
}

const throttled = () =>
  new ProvisionedThroughputExceededException({ message: 'Rate exceeded for shard', $metadata: { httpStatusCode: 400 } });

describe('BatchingRecordSender', () => {
  beforeEach(() => mock.reset());

  describe('group commit', () => {
    it('sends a record at once when nothing is in flight, whatever the linger', async () => {
      const calls = heldCalls();
      const publisher = sender({ maxLingerMs: 60_000 });
      const sent = publisher.send(entry('a'));
      await until(() => calls.length === 1);
      expect(calls[0].keys).toEqual(['a']);
      calls[0].answer();
      await expect(sent).resolves.toEqual({ shardId: 'shardId-000000000000', sequenceNumber: '0' });
    });

    it('gathers what arrives while a call is in flight into the next call', async () => {
      const calls = heldCalls();
      const publisher = sender({ maxInFlight: 1 });
      const first = publisher.send(entry('first'));
      await until(() => calls.length === 1);
      const later = Array.from({ length: 10 }, (_, i) => publisher.send(entry(`k${i}`)));
      await new Promise((r) => setTimeout(r, 20));
      expect(calls).toHaveLength(1);
      calls[0].answer();
      await first;
      await until(() => calls.length === 2);
      expect(calls[1].keys).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
      calls[1].answer();
      const results = await Promise.all(later);
      expect(results.map((r) => r.sequenceNumber)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    });

    it('opens another call after the linger when a slot is free', async () => {
      const calls = heldCalls();
      const publisher = sender({ maxInFlight: 2, maxLingerMs: 10 });
      void publisher.send(entry('a'));
      await until(() => calls.length === 1);
      void publisher.send(entry('b'));
      void publisher.send(entry('c'));
      await until(() => calls.length === 2);
      expect(calls[1].keys).toEqual(['b', 'c']);
      calls.forEach((c) => c.answer());
      await publisher.flush();
    });

    it('keeps each call within 500 records and 5 MiB', async () => {
      mock.on(PutRecordsCommand).callsFake(async (input: PutRecordsInput) => accepted(input));
      const publisher = sender({ maxInFlight: 1, maxQueuedItems: 5_000, maxQueuedBytes: 512 * 1024 * 1024 });
      const blocker = publisher.send(entry('blocker'));
      await Promise.all([blocker, ...Array.from({ length: 1_200 }, (_, i) => publisher.send(entry(`k${i}`)))]);
      const big = Array.from({ length: 30 }, (_, i) => publisher.send(entry(`big${i}`, 400 * 1024)));
      await Promise.all(big);

      const inputs = mock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input);
      const sizes = inputs.map((i) => i.Records!.reduce((n, r) => n + r.Data!.byteLength + r.PartitionKey!.length, 0));
      expect(Math.max(...inputs.map((i) => i.Records!.length))).toBe(500);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(5 * 1024 * 1024);
      expect(inputs.reduce((n, i) => n + i.Records!.length, 0)).toBe(1 + 1_200 + 30);
    });
  });

  describe('retries', () => {
    it('resends only the records Kinesis refused, and resolves each when it is in', async () => {
      let failed = false;
      mock.on(PutRecordsCommand).callsFake(async (input: PutRecordsInput) => {
        if (failed || input.Records!.length !== 4) return accepted(input);
        failed = true;
        return {
          FailedRecordCount: 2,
          Records: [
            { ShardId: 's0', SequenceNumber: '100' },
            { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
            { ShardId: 's1', SequenceNumber: '101' },
            { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure' },
          ],
        };
      });
      const publisher = sender({ maxInFlight: 1, backoff: { initialMs: 1, maxMs: 5 } });
      const blocker = publisher.send(entry('blocker'));
      const sends = ['a', 'b', 'c', 'd'].map((k) => publisher.send(entry(k)));
      await blocker; // call 1 carries only the blocker
      const results = await Promise.all(sends);

      const calls = mock.commandCalls(PutRecordsCommand).map((c) => keysOf(c.args[0].input));
      expect(calls.slice(0, 2)).toEqual([['blocker'], ['a', 'b', 'c', 'd']]);
      // Each retry has its own jittered delay, so b and d may travel together or apart.
      expect(calls.slice(2).flat().sort()).toEqual(['b', 'd']);
      expect(results[0].sequenceNumber).toBe('100');
      expect(results[2].sequenceNumber).toBe('101');
      expect(publisher.stats).toMatchObject({ delivered: 5, retried: 2, failed: 0, held: { items: 0, bytes: 0 } });
    });

    it('retries whole calls that were throttled or hit a network error', async () => {
      const failures: unknown[] = [throttled(), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })];
      mock.on(PutRecordsCommand).callsFake(async (input: PutRecordsInput) => {
        const failure = failures.shift();
        if (failure) throw failure;
        return accepted(input);
      });
      const publisher = sender({ backoff: { initialMs: 1, maxMs: 5 } });
      await expect(publisher.send(entry('a'))).resolves.toBeDefined();
      expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(3);
      expect(publisher.stats).toMatchObject({ failedRequests: 2, retried: 2, delivered: 1 });
    });

    it('gives up at once on a permanent error (no such stream)', async () => {
      const missing = new ResourceNotFoundException({ message: 'Stream x not found', $metadata: { httpStatusCode: 400 } });
      mock.on(PutRecordsCommand).rejects(missing);
      const publisher = sender({ deadlineMs: 60_000 });
      await expect(publisher.send(entry('a'))).rejects.toBe(missing);
      expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(1);
      expect(publisher.stats.held.items).toBe(0);
    });

    it('rejects with DeadlineExceededError once the deadline passes, the last failure as cause', async () => {
      mock.on(PutRecordsCommand).rejects(throttled());
      const publisher = sender({ deadlineMs: 150, backoff: { initialMs: 5, maxMs: 20 } });
      const started = Date.now();
      const error = await publisher.send(entry('a')).catch((e) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(error.attempts).toBeGreaterThan(1);
      expect(error.cause.name).toBe('ProvisionedThroughputExceededException');
      await publisher.flush();
    });

    it('knows a record refused by every answer is not in the stream, and one whose call lost its answer may be', async () => {
      mock.on(PutRecordsCommand).rejects(throttled());
      const refusedEveryTime = await sender({ deadlineMs: 100, backoff: { initialMs: 5, maxMs: 10 } }).send(entry('a')).catch((e) => e);
      expect(refusedEveryTime).toBeInstanceOf(DeadlineExceededError);

      mock.reset();
      const failures: unknown[] = [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })];
      mock.on(PutRecordsCommand).callsFake(async () => {
        throw failures.shift() ?? throttled();
      });
      const lostOnce = await sender({ deadlineMs: 100, backoff: { initialMs: 5, maxMs: 10 } }).send(entry('b')).catch((e) => e);
      expect(lostOnce).toBeInstanceOf(OutcomeUnknownError);
      expect(lostOnce.cause).toBeInstanceOf(DeadlineExceededError);

      mock.reset();
      const refusedConnection = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      mock.on(PutRecordsCommand).rejects(refusedConnection);
      const neverSent = await sender({ deadlineMs: 100, backoff: { initialMs: 5, maxMs: 10 } }).send(entry('c')).catch((e) => e);
      expect(neverSent).toBeInstanceOf(DeadlineExceededError);
    });

    it('waits capped exponential delays between attempts', async () => {
      const at: number[] = [];
      mock.on(PutRecordsCommand).callsFake(async () => {
        at.push(Date.now());
        throw throttled();
      });
      // random() = 1: the full-jitter delay is the whole capped delay, 20, 40, 80, 80 ms.
      const publisher = sender({ deadlineMs: 400, backoff: { initialMs: 20, maxMs: 80 }, random: () => 1 });
      await publisher.send(entry('a')).catch(() => undefined);
      const gaps = at.slice(1).map((t, i) => t - at[i]);
      expect(gaps.length).toBeGreaterThanOrEqual(4);
      [20, 40, 80, 80].forEach((least, i) => expect(gaps[i]).toBeGreaterThanOrEqual(least - 2));
    });

    it('abandons a call that does not answer and retries it (request timeout)', async () => {
      const silent: Server = createServer(() => undefined); // accepts, never answers
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const client = new KinesisClient({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      });
      try {
        const publisher = new BatchingRecordSender(client, 's', {
          deadlineMs: 400,
          requestTimeoutMs: 100,
          backoff: { initialMs: 1, maxMs: 5 },
        });
        const error = await publisher.send(entry('a')).catch((e) => e);
        // Kinesis may have written a record whose answer never came: not "failed", unknown.
        expect(error).toBeInstanceOf(OutcomeUnknownError);
        expect(error.cause).toBeInstanceOf(DeadlineExceededError);
        expect(publisher.stats.requests).toBeGreaterThanOrEqual(2);
        await publisher.flush();
      } finally {
        client.destroy();
        silent.closeAllConnections();
        await new Promise((r) => silent.close(r));
      }
    });
  });

  describe('bounded memory', () => {
    it('refuses at once when the queue holds its maximum of records, and accepts again once drained', async () => {
      const calls = heldCalls();
      const publisher = sender({ maxQueuedItems: 3 });
      const held = [publisher.send(entry('a')), publisher.send(entry('b')), publisher.send(entry('c'))];
      const refused = await publisher.send(entry('d')).catch((e) => e);
      expect(refused).toBeInstanceOf(QueueFullError);
      expect(refused.limit).toBe('items');
      await until(() => calls.length > 0);
      calls.forEach((c) => c.answer());
      await until(() => calls.length === 2);
      calls[1].answer();
      await Promise.all(held);
      const again = publisher.send(entry('e'));
      await until(() => calls.length === 3);
      calls[2].answer();
      await expect(again).resolves.toBeDefined();
      expect(publisher.stats.refused).toBe(1);
    });

    it('refuses at once when the bytes held would pass the limit', async () => {
      heldCalls();
      const publisher = sender({ maxQueuedBytes: 1_000, deadlineMs: 100 });
      const first = publisher.send(entry('a', 600)).catch(() => undefined);
      await expect(publisher.send(entry('b', 600))).rejects.toMatchObject({ limit: 'bytes' });
      await first;
    });
  });

  describe('load shedding', () => {
    /** Kinesis refuses each record whose key `refuse` picks, as a saturated shard does. */
    function shardsRefusing(refuse: (key: string) => boolean) {
      mock.on(PutRecordsCommand).callsFake(async (input: PutRecordsInput) => {
        const records = (input.Records ?? []).map((r, i) =>
          refuse(r.PartitionKey!)
            ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000000' }
            : { ShardId: 'shardId-000000000000', SequenceNumber: String(i) },
        );
        return { FailedRecordCount: records.filter((r) => 'ErrorCode' in r).length, Records: records };
      });
    }
    const keys = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

    it('refuses new records at once while most records are throttled and throttled ones wait, and takes them again once those are in', async () => {
      let saturated = true;
      shardsRefusing(() => saturated);
      const publisher = sender({ deadlineMs: 10_000, backoff: { initialMs: 5, maxMs: 20 } });
      const backlog = keys(20, 'k').map((k) => publisher.send(entry(k)));
      await until(() => publisher.saturated);

      const refusal = await publisher.send(entry('new')).catch((e) => e);
      expect(refusal).toBeInstanceOf(SaturatedError);
      expect(publisher.stats.shed).toBe(1);
      expect(publisher.stats.held.items).toBe(20);

      saturated = false;
      await Promise.all(backlog);
      expect(publisher.saturated).toBe(false);
      await expect(publisher.send(entry('after'))).resolves.toBeDefined();
      expect(publisher.stats.throttled).toBeGreaterThanOrEqual(20);
    });

    it('sheds nothing while only a few records are throttled (one hot shard among several)', async () => {
      let hot = true;
      shardsRefusing((key) => hot && key.startsWith('hot'));
      const publisher = sender({ maxInFlight: 1, backoff: { initialMs: 5, maxMs: 20 } });
      const sends = [...keys(15, 'hot'), ...keys(60, 'cold')].map((k) => publisher.send(entry(k)));
      await until(() => publisher.stats.throttled >= 15);
      expect(publisher.saturated).toBe(false);
      const more = publisher.send(entry('cold-more'));
      hot = false;
      await Promise.all([...sends, more]);
      expect(publisher.stats.shed).toBe(0);
    });

    it('while Kinesis is down, refuses new records at once and lets the held ones probe it; the first through reopens admission', async () => {
      let down = true;
      mock.on(PutRecordsCommand).callsFake(async (input: PutRecordsInput) => {
        if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), { code: 'ECONNREFUSED', $metadata: {} });
        return accepted(input);
      });
      const publisher = sender({ deadlineMs: 10_000, backoff: { initialMs: 5, maxMs: 20 } });
      const backlog = keys(20, 'k').map((k) => publisher.send(entry(k)));
      await until(() => publisher.saturated);

      const started = performance.now();
      const refusal = await publisher.send(entry('new')).catch((e) => e);
      expect(refusal).toBeInstanceOf(SaturatedError);
      // Refused without waiting for a call: far inside the 10 s deadline it would otherwise wait out.
      expect(performance.now() - started).toBeLessThan(5_000);
      // An outage is not a refusal for capacity: the throttle count stays honest.
      expect(publisher.stats.throttled).toBe(0);

      down = false;
      await Promise.all(backlog);
      expect(publisher.saturated).toBe(false);
      await expect(publisher.send(entry('after'))).resolves.toBeDefined();
    });

    it('never sheds with shedding: false', async () => {
      let saturated = true;
      shardsRefusing(() => saturated);
      const publisher = sender({ shedding: false, backoff: { initialMs: 5, maxMs: 20 } });
      const backlog = keys(20, 'k').map((k) => publisher.send(entry(k)));
      await until(() => publisher.stats.throttled >= 40);
      const queued = publisher.send(entry('new'));
      saturated = false;
      await Promise.all([...backlog, queued]);
      expect(publisher.stats.shed).toBe(0);
    });
  });

  describe('order', () => {
    /** Fails the first call's first record once, then accepts everything. */
    function failFirstRecordOnce() {
      let failed = false;
      mock.on(PutRecordsCommand).callsFake(async (input: PutRecordsInput) => {
        const output = accepted(input);
        if (!failed) {
          failed = true;
          output.FailedRecordCount = 1;
          output.Records![0] = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };
        }
        return output;
      });
    }

    it('by default, a retried record lands after a later one of the same key', async () => {
      failFirstRecordOnce();
      const publisher = sender({ backoff: { initialMs: 1, maxMs: 2 } });
      const landed: string[] = [];
      await Promise.all(['1', '2'].map((n) => publisher.send(entry('user-1', 10 + Number(n))).then(() => landed.push(n))));
      expect(landed).toEqual(['2', '1']);
    });

    it('ordered: a record waits until the previous one of its key is in, retries included', async () => {
      failFirstRecordOnce();
      const publisher = sender({ ordered: true, backoff: { initialMs: 1, maxMs: 2 } });
      const landed: string[] = [];
      await Promise.all(
        [
          ['user-1', '1'],
          ['user-1', '2'],
          ['user-2', '3'],
        ].map(([key, n]) => publisher.send(entry(key)).then(() => landed.push(n))),
      );
      expect(landed.indexOf('1')).toBeLessThan(landed.indexOf('2'));
      const calls = mock.commandCalls(PutRecordsCommand).map((c) => keysOf(c.args[0].input));
      // Never two records of one key in the same call.
      for (const keys of calls) expect(new Set(keys).size).toBe(keys.length);
    });

    it('ordered: a record whose deadline passes while waiting behind its key is given up and freed', async () => {
      const calls = heldCalls();
      const publisher = sender({ ordered: true, deadlineMs: 50 });
      const first = publisher.send(entry('k')).catch((e) => e);
      const second = publisher.send(entry('k')).catch((e) => e);
      expect(await second).toBeInstanceOf(DeadlineExceededError);
      // Its call was still out when the deadline passed: Kinesis may yet write it.
      expect(await first).toBeInstanceOf(OutcomeUnknownError);
      expect(publisher.stats.held.items).toBe(1); // the first is still in its call
      calls[0].answer();
      await publisher.flush();
      expect(calls).toHaveLength(1);
    });
  });

  it('flush() resolves once everything handed over is delivered', async () => {
    const calls = heldCalls();
    const publisher = sender();
    await publisher.flush(); // nothing held
    const sends = [publisher.send(entry('a')), publisher.send(entry('b'))];
    let flushed = false;
    const flushing = publisher.flush().then(() => (flushed = true));
    await until(() => calls.length >= 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(flushed).toBe(false);
    for (let i = 0; i < calls.length; i++) calls[i].answer();
    await until(() => calls.length === 2 || publisher.stats.held.items === 0);
    calls.forEach((c) => c.answer());
    await flushing;
    await Promise.all(sends);
    expect(publisher.stats.held).toEqual({ items: 0, bytes: 0 });
  });

  it('describes refused records by their code', () => {
    expect(new RecordRejectedError('InternalFailure', 'boom').message).toBe('InternalFailure: boom');
  });
});
