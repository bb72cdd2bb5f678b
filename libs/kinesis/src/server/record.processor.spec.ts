import type { _Record } from '@aws-sdk/client-kinesis';
import type { DeadLetter } from '../dead-letter/dead-letter';
import { KinesisPoisonRecordException } from '../errors/kinesis-poison-record.exception';
import { KinesisRetriableException } from '../errors/kinesis-retriable.exception';
import type { KinesisContext } from '../ctx-host/kinesis.context';
import { encodePacket } from '../kinesis-packet.codec';
import { Backoff } from '@lib/group-commit';
import type { Clock } from './clock';
import { releaseConcurrencySlot } from './concurrency-slot';
import { RecordProcessor, type RecordProcessorDeps } from './record.processor';

const quietLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

function virtualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += Math.max(ms, 0);
    },
  };
}

function recordOf(seq: string, data: Uint8Array | string): _Record {
  return {
    SequenceNumber: seq,
    PartitionKey: `pk-${seq}`,
    ApproximateArrivalTimestamp: new Date('2026-01-01T00:00:00Z'),
    Data: typeof data === 'string' ? Buffer.from(data) : data,
  };
}

const packet = { pattern: 'thing.happened', id: 'e-1', occurred_at: '2026-01-01T00:00:00Z', headers: { h: 'v' }, data: { n: 1 } };

function processorWith(overrides: Partial<RecordProcessorDeps> = {}) {
  const letters: DeadLetter[] = [];
  const contexts: KinesisContext[] = [];
  const deps: RecordProcessorDeps = {
    streamName: 's',
    shardId: 'shardId-1',
    hasHandler: (pattern) => pattern === 'thing.happened',
    dispatch: async (_packet, context) => {
      contexts.push(context);
    },
    deadLetters: { send: async (letter) => void letters.push(letter) },
    maxAttempts: 3,
    maxRecordAgeMs: Number.POSITIVE_INFINITY,
    unknownPatternPolicy: 'dead-letter',
    backoff: new Backoff({ initialMs: 10, maxMs: 40 }, () => 0.5),
    clock: virtualClock(),
    logger: quietLogger,
    ...overrides,
  };
  return { processor: new RecordProcessor(deps), letters, contexts, deps };
}

const running = () => new AbortController().signal;

describe('RecordProcessor', () => {
  it('hands the decoded data and a full context to the handler', async () => {
    const { processor, contexts, letters } = processorWith();
    await expect(processor.process(recordOf('7', encodePacket(packet)), running())).resolves.toBe('handled');
    expect(letters).toEqual([]);
    const ctx = contexts[0];
    expect([ctx.getShardId(), ctx.getSequenceNumber(), ctx.getPartitionKey(), ctx.getAttempt()]).toEqual([
      'shardId-1',
      '7',
      'pk-7',
      1,
    ]);
    expect(ctx.getArrivalTime()).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(ctx.getHeaders()).toEqual({ h: 'v' });
    expect(ctx.getPacket()).toEqual({ pattern: 'thing.happened', id: 'e-1', occurred_at: '2026-01-01T00:00:00Z' });
  });

  it("lets the handler release the record's concurrency slot through its context, on every attempt", async () => {
    const releaseSlot = jest.fn();
    let attempts = 0;
    const dispatch = async (_packet: unknown, context: KinesisContext) => {
      releaseConcurrencySlot(context);
      if (++attempts === 1) throw new Error('status write failed');
    };
    const { processor } = processorWith({ dispatch });
    await expect(processor.process(recordOf('7', encodePacket(packet)), running(), releaseSlot)).resolves.toBe('handled');
    expect(releaseSlot).toHaveBeenCalledTimes(2);
  });

  it('dead-letters a record that is not JSON at once, with its bytes', async () => {
    const dispatch = jest.fn();
    const { processor, letters } = processorWith({ dispatch });
    await expect(processor.process(recordOf('1', 'not json{'), running())).resolves.toBe('dead-lettered');
    expect(dispatch).not.toHaveBeenCalled();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      stream: 's',
      shard_id: 'shardId-1',
      sequence_number: '1',
      partition_key: 'pk-1',
      arrival_time: '2026-01-01T00:00:00.000Z',
      reason: 'malformed-record',
      attempts: 0,
      data_base64: Buffer.from('not json{').toString('base64'),
    });
    expect(letters[0].packet).toBeUndefined();
  });

  it('dead-letters a packet nobody handles, keeping the decoded packet', async () => {
    const { processor, letters } = processorWith();
    const orphan = { ...packet, pattern: 'nobody.listens' };
    await expect(processor.process(recordOf('2', encodePacket(orphan)), running())).resolves.toBe('dead-lettered');
    expect(letters[0]).toMatchObject({ reason: 'no-handler', attempts: 0, packet: orphan });
    expect(letters[0].last_error).toContain('nobody.listens');
  });

  it('skips a packet nobody handles when the policy says so, without a dead letter', async () => {
    const { processor, letters } = processorWith({ unknownPatternPolicy: 'skip' });
    const orphan = { ...packet, pattern: 'nobody.listens' };
    await expect(processor.process(recordOf('2', encodePacket(orphan)), running())).resolves.toBe('skipped');
    expect(letters).toEqual([]);
  });

  it('dead-letters a record once it is older than maxRecordAgeMs, even while its dependency is down', async () => {
    const arrival = new Date('2026-01-01T00:00:00Z').getTime();
    let now = arrival;
    const clock: Clock = { now: () => now, sleep: async (ms) => void (now += Math.max(ms, 0)) };
    let calls = 0;
    const { processor, letters } = processorWith({
      clock,
      maxRecordAgeMs: 60_000,
      backoff: new Backoff({ initialMs: 1_000, maxMs: 10_000 }, () => 1),
      dispatch: async () => {
        calls += 1;
        throw new KinesisRetriableException('S3 is down');
      },
    });
    await expect(processor.process(recordOf('9', encodePacket(packet)), running())).resolves.toBe('dead-lettered');
    expect(letters[0]).toMatchObject({ reason: 'record-too-old', attempts: calls });
    expect(now - arrival).toBeGreaterThan(60_000);
    expect(now - arrival).toBeLessThan(60_000 + 10_000 + 1);
  });

  it('retries a failing handler maxAttempts times, then dead-letters with the last error', async () => {
    let calls = 0;
    const { processor, letters } = processorWith({
      dispatch: async () => {
        calls += 1;
        throw new Error(`boom ${calls}`);
      },
    });
    await expect(processor.process(recordOf('3', encodePacket(packet)), running())).resolves.toBe('dead-lettered');
    expect(calls).toBe(3);
    expect(letters[0]).toMatchObject({ reason: 'handler-failed', attempts: 3, packet });
    expect(letters[0].last_error).toContain('boom 3');
  });

  it('dead-letters a record its handler rejects as poison at once, without retries or waits', async () => {
    let calls = 0;
    const clock = virtualClock();
    const { processor, letters } = processorWith({
      clock,
      dispatch: async () => {
        calls += 1;
        throw new KinesisPoisonRecordException('sha256 mismatch', { cause: new Error('inner') });
      },
    });
    await expect(processor.process(recordOf('3p', encodePacket(packet)), running())).resolves.toBe('dead-lettered');
    expect(calls).toBe(1);
    expect(clock.slept).toEqual([]);
    expect(letters[0]).toMatchObject({ reason: 'handler-rejected', attempts: 1, packet });
    expect(letters[0].last_error).toContain('sha256 mismatch');
  });

  it('succeeds without a dead letter when a retry works', async () => {
    let calls = 0;
    const { processor, letters } = processorWith({
      dispatch: async (_p, ctx) => {
        calls += 1;
        expect(ctx.getAttempt()).toBe(calls);
        if (calls < 3) throw new Error('flaky');
      },
    });
    await expect(processor.process(recordOf('4', encodePacket(packet)), running())).resolves.toBe('handled');
    expect(letters).toEqual([]);
  });

  it('never gives up on a retriable exception, and those retries do not count as attempts', async () => {
    let calls = 0;
    const clock = virtualClock();
    const { processor, letters } = processorWith({
      clock,
      dispatch: async () => {
        calls += 1;
        if (calls <= 50) throw new KinesisRetriableException('S3 is down');
        if (calls <= 52) throw new Error('real failure');
      },
    });
    await expect(processor.process(recordOf('5', encodePacket(packet)), running())).resolves.toBe('handled');
    expect(calls).toBe(53);
    expect(letters).toEqual([]);
    // Backoff grows and is capped (40 ms cap with a fixed jitter of one half → 20..40).
    expect(Math.max(...clock.slept)).toBeLessThanOrEqual(40);
    expect(clock.slept[0]).toBeLessThan(clock.slept[5]);
  });

  it('keeps retrying the dead letter itself until it is stored', async () => {
    let tries = 0;
    const stored: DeadLetter[] = [];
    const { processor } = processorWith({
      deadLetters: {
        send: async (letter) => {
          tries += 1;
          if (tries < 4) throw new Error('bucket unreachable');
          stored.push(letter);
        },
      },
    });
    await expect(processor.process(recordOf('6', 'garbage'), running())).resolves.toBe('dead-lettered');
    expect(tries).toBe(4);
    expect(stored).toHaveLength(1);
  });

  it('stops between attempts when aborted, neither handling nor dead-lettering the record', async () => {
    const controller = new AbortController();
    const { processor, letters } = processorWith({
      dispatch: async () => {
        controller.abort();
        throw new KinesisRetriableException('down');
      },
    });
    await expect(processor.process(recordOf('8', encodePacket(packet)), controller.signal)).resolves.toBe('aborted');
    expect(letters).toEqual([]);
  });
});
