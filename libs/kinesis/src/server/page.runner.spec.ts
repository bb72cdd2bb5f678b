import type { _Record } from '@aws-sdk/client-kinesis';
import { systemClock } from './clock';
import { PageRunner, type PageRunnerDeps } from './page.runner';
import type { RecordOutcome } from './record.processor';
import { FixedWindow } from './concurrency.window';

const rec = (seq: number, key: string): _Record => ({ SequenceNumber: String(seq), PartitionKey: key, Data: new Uint8Array() });

/** A processor whose records finish only when the test says so. */
function controlled() {
  const running = new Map<string, (outcome: RecordOutcome) => void>();
  const releases = new Map<string, () => void>();
  const events: string[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const process = (record: _Record, _signal: AbortSignal, releaseSlot: () => void) =>
    new Promise<RecordOutcome>((resolve) => {
      const seq = record.SequenceNumber!;
      releases.set(seq, releaseSlot);
      events.push(`start ${seq}`);
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      running.set(seq, (outcome) => {
        concurrent--;
        running.delete(seq);
        events.push(`end ${seq}`);
        resolve(outcome);
      });
    });
  return {
    process,
    events,
    running,
    get maxConcurrent() {
      return maxConcurrent;
    },
    finish: (seq: number, outcome: RecordOutcome = 'handled') => running.get(String(seq))!(outcome),
    /** The handler of `seq` calls releaseConcurrencySlot (its costly part is done). */
    release: (seq: number) => releases.get(String(seq))!(),
  };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

function runner(
  records: _Record[],
  processor: ReturnType<typeof controlled>,
  { maxConcurrency = 4, ...options }: Partial<PageRunnerDeps> & { maxConcurrency?: number } = {},
  signal = new AbortController().signal,
) {
  const checkpoints: string[] = [];
  const deps: PageRunnerDeps = {
    process: processor.process,
    checkpoint: async (seq) => void checkpoints.push(seq),
    window: new FixedWindow(maxConcurrency),
    checkpointIntervalMs: 0,
    drainTimeoutMs: 1_000,
    clock: systemClock,
    ...options,
  };
  return { run: new PageRunner(records, deps, signal).run(), checkpoints };
}

describe('PageRunner', () => {
  it('runs records of different keys side by side, up to maxConcurrency', async () => {
    const p = controlled();
    const records = Array.from({ length: 10 }, (_, i) => rec(i, `k${i}`));
    const { run, checkpoints } = runner(records, p, { maxConcurrency: 4 });
    await until(() => p.running.size === 4);
    for (let i = 0; i < 10; i++) {
      await until(() => p.running.has(String(i)));
      p.finish(i);
    }
    await expect(run).resolves.toBe(true);
    expect(p.maxConcurrent).toBe(4);
    expect(checkpoints.at(-1)).toBe('9');
  });

  it('keeps records of one key in order, one at a time', async () => {
    const p = controlled();
    const records = [rec(0, 'a'), rec(1, 'a'), rec(2, 'b'), rec(3, 'a'), rec(4, 'b')];
    const { run } = runner(records, p);
    await until(() => p.running.size === 2);
    expect([...p.running.keys()]).toEqual(['0', '2']);
    p.finish(2);
    await until(() => p.running.has('4'));
    expect(p.running.has('1')).toBe(false);
    p.finish(0);
    await until(() => p.running.has('1'));
    p.finish(1);
    await until(() => p.running.has('3'));
    p.finish(3);
    p.finish(4);
    await expect(run).resolves.toBe(true);
    const starts = p.events.filter((e) => e.startsWith('start')).map((e) => e.slice(6));
    expect(starts.filter((s) => ['0', '1', '3'].includes(s))).toEqual(['0', '1', '3']);
  });

  it('starts the next record when one releases its slot, but keeps its key and the checkpoint until it finishes', async () => {
    const p = controlled();
    const records = [rec(0, 'a'), rec(1, 'b'), rec(2, 'a'), rec(3, 'c')];
    const { run, checkpoints } = runner(records, p, { maxConcurrency: 2 });
    await until(() => p.running.size === 2);
    p.release(0);
    // Record 2 has the key of 0, which is still in flight: 3 takes the freed slot.
    await until(() => p.running.has('3'));
    expect(p.running.has('2')).toBe(false);
    p.finish(1);
    p.finish(3);
    await new Promise((r) => setTimeout(r, 10));
    expect(checkpoints).toEqual([]); // record 0 is not done: nothing may be checkpointed
    p.finish(0);
    await until(() => p.running.has('2'));
    p.finish(2);
    await expect(run).resolves.toBe(true);
    expect(checkpoints.at(-1)).toBe('3');
  });

  it('lets at most maxConcurrency records wait with a released slot; a later release waits its turn', async () => {
    const p = controlled();
    const records = [rec(0, 'a'), rec(1, 'b'), rec(2, 'c')];
    const { run } = runner(records, p, { maxConcurrency: 1 });
    await until(() => p.running.has('0'));
    p.release(0);
    await until(() => p.running.has('1'));
    p.release(1); // 0 still waits released: 1 keeps its slot for now
    await new Promise((r) => setTimeout(r, 10));
    expect(p.running.has('2')).toBe(false);
    expect(p.maxConcurrent).toBe(2);
    p.finish(0); // 1's release takes effect: 2 may start
    await until(() => p.running.has('2'));
    p.release(1); // a second call changes nothing
    p.finish(2);
    p.finish(1);
    await expect(run).resolves.toBe(true);
  });

  it('on stop, waits for records that released their slot', async () => {
    const p = controlled();
    const controller = new AbortController();
    const { run, checkpoints } = runner([rec(0, 'a'), rec(1, 'b'), rec(2, 'c')], p, { maxConcurrency: 1 }, controller.signal);
    await until(() => p.running.has('0'));
    p.release(0);
    await until(() => p.running.has('1'));
    controller.abort();
    p.finish(1);
    let settled = false;
    void run.finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    p.finish(0);
    await expect(run).resolves.toBe(false);
    expect(checkpoints.at(-1)).toBe('1');
    expect(p.events).not.toContain('start 2');
  });

  it('checkpoints only the contiguous prefix of finished records', async () => {
    const p = controlled();
    const { run, checkpoints } = runner([rec(0, 'a'), rec(1, 'b'), rec(2, 'c')], p);
    await until(() => p.running.size === 3);
    p.finish(1);
    p.finish(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(checkpoints).toEqual([]); // record 0 is not done: nothing may be checkpointed
    p.finish(0);
    await expect(run).resolves.toBe(true);
    expect(checkpoints).toEqual(['2']);
  });

  it('on stop, starts nothing new but finishes the records inside the window, so nothing repeats', async () => {
    const p = controlled();
    const controller = new AbortController();
    // Record 1 waits behind record 0 (same key); record 2 already runs: the window is 0..2.
    const records = [rec(0, 'a'), rec(1, 'a'), rec(2, 'b'), rec(3, 'c'), rec(4, 'd')];
    const { run, checkpoints } = runner(records, p, { maxConcurrency: 2 }, controller.signal);
    await until(() => p.running.size === 2);
    controller.abort();
    p.finish(0);
    await until(() => p.running.has('1'));
    p.finish(1);
    p.finish(2);
    await expect(run).resolves.toBe(false);
    expect(checkpoints.at(-1)).toBe('2');
    expect(p.events).not.toContain('start 3');
  });

  it('stops at a record that was not done (aborted), checkpointing what came before it', async () => {
    const p = controlled();
    const { run, checkpoints } = runner([rec(0, 'a'), rec(1, 'b'), rec(2, 'c')], p, { maxConcurrency: 1 });
    await until(() => p.running.has('0'));
    p.finish(0);
    await until(() => p.running.has('1'));
    p.finish(1, 'aborted');
    await expect(run).resolves.toBe(false);
    expect(checkpoints.at(-1)).toBe('0');
    expect(p.events).not.toContain('start 2');
  });

  it('moves the checkpoint mid-page no more often than checkpointIntervalMs', async () => {
    const p = controlled();
    const records = Array.from({ length: 5 }, (_, i) => rec(i, `k${i}`));
    const { run, checkpoints } = runner(records, p, { maxConcurrency: 1, checkpointIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      await until(() => p.running.has(String(i)));
      p.finish(i);
    }
    await expect(run).resolves.toBe(true);
    expect(checkpoints).toEqual(['4']); // only the page's end
  });

  it('starts nothing more once a checkpoint was refused (lost lease), and says so', async () => {
    const p = controlled();
    const lost = new Error('lease lost');
    let refuse!: () => void;
    const checkpoint = () => new Promise<void>((_, reject) => (refuse = () => reject(lost)));
    const { run } = runner([rec(0, 'a'), rec(1, 'b'), rec(2, 'c')], p, { checkpoint, maxConcurrency: 1 });
    await until(() => p.running.has('0'));
    p.finish(0);
    await until(() => p.running.has('1')); // the checkpoint of 0 is still being written
    refuse();
    await new Promise((r) => setImmediate(r));
    p.finish(1);
    await expect(run).rejects.toBe(lost);
    expect(p.events).not.toContain('start 2');
  });
});
