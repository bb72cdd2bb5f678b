import type { StoredLine } from './worker.process';

/**
 * Every delivery the workers logged (`stored …` lines), by upload: how many uploads are
 * stored, which were stored more than once (redeliveries), and who stored what.
 */
export class DeliveryLedger {
  private readonly byUpload = new Map<string, StoredLine[]>();
  private deliveries = 0;

  constructor(private readonly expectedIds: ReadonlySet<string>) {}

  readonly record = (line: StoredLine): void => {
    this.deliveries += 1;
    const seen = this.byUpload.get(line.uploadId);
    if (seen) seen.push(line);
    else this.byUpload.set(line.uploadId, [line]);
  };

  /** Expected uploads stored at least once. */
  get storedCount(): number {
    let count = 0;
    for (const id of this.byUpload.keys()) if (this.expectedIds.has(id)) count += 1;
    return count;
  }

  get deliveryCount(): number {
    return this.deliveries;
  }

  /** Expected uploads no worker has logged as stored yet. */
  missing(): string[] {
    return [...this.expectedIds].filter((id) => !this.byUpload.has(id));
  }

  /** Uploads no one published (there must be none: the stream is this test's own). */
  strangers(): string[] {
    return [...this.byUpload.keys()].filter((id) => !this.expectedIds.has(id));
  }

  /** Uploads stored more than once, with every delivery. */
  duplicates(): Array<[string, StoredLine[]]> {
    return [...this.byUpload].filter(([, lines]) => lines.length > 1);
  }

  /** Per worker: deliveries, and deliveries per shard (who took what). */
  byWorker(): Record<string, { deliveries: number; shards: Record<string, number> }> {
    const summary: Record<string, { deliveries: number; shards: Record<string, number> }> = {};
    for (const lines of this.byUpload.values()) {
      for (const { worker, shardId } of lines) {
        const entry = (summary[worker] ??= { deliveries: 0, shards: {} });
        entry.deliveries += 1;
        entry.shards[shardId] = (entry.shards[shardId] ?? 0) + 1;
      }
    }
    return summary;
  }
}
