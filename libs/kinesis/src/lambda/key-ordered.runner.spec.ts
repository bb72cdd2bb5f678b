import { runInKeyOrder } from './key-ordered.runner';

/** A record whose handling the test finishes by hand, in any order it likes. */
interface Item {
  id: number;
  key: string;
}
const items = (keys: string): Item[] => [...keys].map((key, id) => ({ id, key }));

/** Handles items by promises the test settles, recording starts; `ok(id)` / `fail(id)` finish one. */
function controlled() {
  const pending = new Map<number, (ok: boolean) => void>();
  const startedOrder: number[] = [];
  const handle = (item: Item) =>
    new Promise<boolean>((resolve) => {
      startedOrder.push(item.id);
      pending.set(item.id, resolve);
    });
  const finish = async (id: number, ok: boolean) => {
    const resolve = pending.get(id);
    if (!resolve) throw new Error(`item ${id} is not running (running: ${[...pending.keys()].join(',')})`);
    pending.delete(id);
    resolve(ok);
    // Let the runner react (a microtask turn or two).
    await new Promise((r) => setImmediate(r));
  };
  return { handle, startedOrder, running: () => [...pending.keys()].sort((a, b) => a - b), finish };
}

describe('runInKeyOrder', () => {
  it('runs different keys side by side up to the limit, one key in order', async () => {
    const c = controlled();
    const done = runInKeyOrder(items('aabc'), (i) => i.key, 2, c.handle);
    await new Promise((r) => setImmediate(r));
    // a0 and b2 start (a1 waits behind a0; the limit is 2).
    expect(c.running()).toEqual([0, 2]);
    await c.finish(2, true);
    expect(c.running()).toEqual([0, 3]);
    await c.finish(0, true);
    expect(c.running()).toEqual([1, 3]);
    await c.finish(3, true);
    await c.finish(1, true);
    await expect(done).resolves.toBeUndefined();
    expect(c.startedOrder).toEqual([0, 2, 3, 1]);
  });

  it('reports the lowest failure, finishes what lies before it, and begins nothing after it', async () => {
    const c = controlled();
    const done = runInKeyOrder(items('abcab'), (i) => i.key, 3, c.handle);
    await new Promise((r) => setImmediate(r));
    expect(c.running()).toEqual([0, 1, 2]);
    await c.finish(2, false); // c2 fails: 3 and 4 lie after it and are never begun
    await c.finish(1, true);
    expect(c.running()).toEqual([0]);
    await c.finish(0, false); // a0 fails too: now the lowest
    await expect(done).resolves.toBe(0);
    expect(c.startedOrder).toEqual([0, 1, 2]);
  });

  it('counts a handler that throws as a failure of its record', async () => {
    const result = await runInKeyOrder(items('ab'), (i) => i.key, 4, async (item) => {
      if (item.id === 1) throw new Error('bug');
      return true;
    });
    expect(result).toBe(1);
  });

  it('overlaps the waits of different keys (the point of it)', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await runInKeyOrder(items('abcdefgh'), (i) => i.key, 4, async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return true;
    });
    expect(result).toBeUndefined();
    expect(most).toBe(4);
  });

  it('answers at once for no records', async () => {
    await expect(runInKeyOrder([], () => '', 1, async () => true)).resolves.toBeUndefined();
  });
});
