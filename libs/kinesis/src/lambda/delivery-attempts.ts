/** What one execution environment remembers of a record it was given before. */
interface Remembered {
  /** Deliveries so far (each a handler call). */
  deliveries: number;
  /** Of those, the ones that failed for a reason of the record's own (not an outage). */
  failures: number;
}

/**
 * The deliveries of each record an execution environment has seen, so that a record failing
 * for a reason of its own (a bug, not an outage) is dead-lettered after `maxAttempts` rather
 * than retried until it leaves the stream: Lambda's event does not say how often a record
 * was sent, and an event source mapping that never gives up (MaximumRetryAttempts -1) would
 * otherwise let one such record hold its shard for the whole retention.
 *
 * Memory only, on purpose: Lambda sends a shard's retries to whichever environment is free,
 * so the count is per environment, a lower bound of the real one. A record therefore gets at
 * least `maxAttempts` tries, sometimes more; the record-age deadline still ends them.
 * Bounded: the oldest entries go first once `capacity` records are remembered.
 */
export class DeliveryAttempts {
  private readonly records = new Map<string, Remembered>();

  constructor(private readonly capacity = 10_000) {}

  /** Counts a delivery of `key` and returns its number (1 for the first this environment saw). */
  deliver(key: string): number {
    const remembered = this.records.get(key) ?? { deliveries: 0, failures: 0 };
    remembered.deliveries += 1;
    this.remember(key, remembered);
    return remembered.deliveries;
  }

  /** Counts a failure of the record's own and returns how many it has had. */
  fail(key: string): number {
    const remembered = this.records.get(key) ?? { deliveries: 1, failures: 0 };
    remembered.failures += 1;
    this.remember(key, remembered);
    return remembered.failures;
  }

  /** The record is done with (handled or dead-lettered). */
  forget(key: string): void {
    this.records.delete(key);
  }

  get size(): number {
    return this.records.size;
  }

  private remember(key: string, remembered: Remembered): void {
    // Re-inserted, so the Map's order is least recently seen first.
    this.records.delete(key);
    this.records.set(key, remembered);
    if (this.records.size > this.capacity) this.records.delete(this.records.keys().next().value!);
  }
}
