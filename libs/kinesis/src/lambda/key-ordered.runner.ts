/**
 * Runs a shard's records the way the event source mapping's contract allows: up to
 * `maxConcurrency` at once across partition keys, the records of one key one after another
 * in shard order. `handle` answers false for a record Lambda must deliver again. Lambda
 * retries a shard from the lowest sequence number reported, so after a failure nothing
 * beyond it is begun (it would run again anyway), while every record before it still runs:
 * those must be done, since Lambda will not send them again.
 *
 * @returns the index of the lowest failed record, or undefined when every record succeeded.
 */
export function runInKeyOrder<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  maxConcurrency: number,
  handle: (item: T) => Promise<boolean>,
): Promise<number | undefined> {
  if (items.length === 0) return Promise.resolve(undefined);
  const started = new Array<boolean>(items.length).fill(false);
  const finished = new Array<boolean>(items.length).fill(false);
  const busyKeys = new Set<string>();
  let running = 0;
  let lowestFailed = items.length;
  /** Records [0, firstOpen) are all finished: the scan starts there. */
  let firstOpen = 0;

  return new Promise((resolve) => {
    const pump = (): void => {
      while (firstOpen < items.length && finished[firstOpen]) firstOpen++;
      const blocked = new Set(busyKeys);
      for (let i = firstOpen; i < lowestFailed && running < maxConcurrency; i++) {
        if (started[i]) continue;
        const key = keyOf(items[i]);
        // An earlier record of this key is running or waiting: this one waits behind it.
        if (blocked.has(key)) continue;
        blocked.add(key);
        start(i, key);
      }
      if (running === 0) resolve(lowestFailed < items.length ? lowestFailed : undefined);
    };
    const start = (index: number, key: string): void => {
      started[index] = true;
      running++;
      busyKeys.add(key);
      // A handler that throws (rather than answering false) is a failure of its record too.
      handle(items[index])
        .catch(() => false)
        .then((ok) => {
          finished[index] = true;
          running--;
          busyKeys.delete(key);
          if (!ok) lowestFailed = Math.min(lowestFailed, index);
          pump();
        });
    };
    pump();
  });
}
