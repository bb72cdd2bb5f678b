import { formatPosition, positionAfter, type UserRecord } from '../aggregation/user-records';
import type { Clock } from './clock';
import type { ConcurrencyWindow } from './concurrency.window';
import type { RecordOutcome } from './record.processor';

export interface PageRunnerDeps {
  /**
   * Handles one record (with its failure policy); `signal` interrupts its waits. The handler
   * may call `releaseSlot` once its costly part is done (see `releaseConcurrencySlot`).
   */
  process(record: UserRecord, signal: AbortSignal, releaseSlot: () => void): Promise<RecordOutcome>;
  /**
   * Records the position (`<seq>` or `<seq>/<sub>`) and when that record reached the stream;
   * throws `LeaseLostError` when the lease is gone.
   */
  checkpoint(position: string, arrivalMs?: number): Promise<void>;
  /**
   * How many records may be in flight at once, across partition keys (records of one key stay
   * in order); told how long each record held its slot. It outlives the page (one per shard).
   */
  window: ConcurrencyWindow;
  /** During a long page, the checkpoint moves at most this often; always at its end. */
  checkpointIntervalMs: number;
  /** On a stop, records already let into the window get this long to finish. */
  drainTimeoutMs: number;
  clock: Clock;
}

/**
 * Runs one GetRecords page: records in page order, up to the window's size at once, never two
 * of the same partition key at once nor out of order. The checkpoint only ever covers the
 * contiguous prefix of finished records, so a crash repeats at most the unfinished rest.
 *
 * On a stop, no record beyond the furthest one started is begun, but those before it are
 * finished (within `drainTimeoutMs`): the prefix then reaches every record that ran, so a
 * graceful stop or handoff repeats nothing.
 *
 * A record whose handler released its slot (its costly part done, an acknowledgement still
 * under way) stops counting against the window but is still in flight: its key stays
 * blocked and the checkpoint waits for it. At most the window's size of records wait that way;
 * a release beyond that takes effect when one of them finishes.
 */
export class PageRunner {
  private readonly done: boolean[];
  private readonly started: boolean[];
  private readonly busyKeys = new Set<string>();
  /** Records started and not finished that hold a slot. */
  private running = 0;
  /** Records started and not finished that released their slot. */
  private released = 0;
  private readonly slotReleased: boolean[];
  private readonly finishedAt: boolean[];
  /** When each record started (clock ms), to tell the window how long it held its slot. */
  private readonly startedAt: number[];
  /** Asked to release while `released` was at its bound, in the order they asked. */
  private readonly releaseQueue = new Set<number>();
  /** Records [0, prefix) are finished. */
  private prefix = 0;
  private checkpointed = 0;
  private lastCheckpointAt: number;
  private checkpointing?: Promise<void>;
  private furthestStarted = -1;
  private stopping = false;
  private drainSignal?: AbortSignal;
  private failure?: unknown;
  private settle!: (error?: unknown) => void;

  constructor(
    private readonly records: readonly UserRecord[],
    private readonly deps: PageRunnerDeps,
    private readonly signal: AbortSignal,
  ) {
    this.done = records.map(() => false);
    this.started = records.map(() => false);
    this.slotReleased = records.map(() => false);
    this.finishedAt = records.map(() => false);
    this.startedAt = records.map(() => 0);
    this.lastCheckpointAt = deps.clock.now();
  }

  /**
   * @returns true when every record is done and checkpointed; false when stopped midway
   * (the finished prefix is checkpointed). @throws what a checkpoint threw (LeaseLostError).
   */
  async run(): Promise<boolean> {
    if (this.records.length === 0) return true;
    const onAbort = () => this.stop();
    this.signal.addEventListener('abort', onAbort, { once: true });
    if (this.signal.aborted) this.stop();
    try {
      await new Promise<void>((resolve, reject) => {
        this.settle = (error) => (error === undefined ? resolve() : reject(error));
        this.schedule();
      });
    } finally {
      this.signal.removeEventListener('abort', onAbort);
    }
    await this.checkpointPrefix();
    return this.prefix === this.records.length;
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.drainSignal = AbortSignal.timeout(this.deps.drainTimeoutMs);
    this.schedule();
  }

  private schedule(): void {
    if (this.failure === undefined) {
      const window = this.stopping ? this.furthestStarted : this.records.length - 1;
      const blocked = new Set<string>(this.busyKeys);
      for (let i = this.prefix; i <= window && this.running < this.deps.window.size; i++) {
        if (this.done[i] || this.started[i]) continue;
        const key = this.records[i].PartitionKey ?? '';
        // An earlier record of this key is running or waiting: this one waits behind it.
        if (blocked.has(key)) continue;
        blocked.add(key);
        this.start(i, key);
      }
    }
    if (this.running === 0 && this.released === 0) this.settle(this.failure);
  }

  private start(index: number, key: string): void {
    this.started[index] = true;
    this.startedAt[index] = this.deps.clock.now();
    this.running++;
    this.busyKeys.add(key);
    this.furthestStarted = Math.max(this.furthestStarted, index);
    const signal = this.stopping ? this.drainSignal! : this.signal;
    this.deps.process(this.records[index], signal, () => this.releaseSlot(index)).then(
      (outcome) => this.finished(index, key, outcome),
      (error: unknown) => this.finished(index, key, 'aborted', error),
    );
  }

  /** The record's handler is past its costly part: free its slot, within the bound. */
  private releaseSlot(index: number): void {
    if (this.slotReleased[index] || this.finishedAt[index]) return;
    this.observeSlotHeld(index);
    if (this.released >= this.deps.window.size) {
      this.releaseQueue.add(index);
      return;
    }
    this.markReleased(index);
    this.schedule();
  }

  private markReleased(index: number): void {
    this.slotReleased[index] = true;
    this.running--;
    this.released++;
  }

  private finished(index: number, key: string, outcome: RecordOutcome, error?: unknown): void {
    if (!this.slotReleased[index] && !this.releaseQueue.has(index)) this.observeSlotHeld(index);
    this.finishedAt[index] = true;
    this.releaseQueue.delete(index);
    if (this.slotReleased[index]) this.released--;
    else this.running--;
    this.busyKeys.delete(key);
    // A place among the released is free: the longest-waiting release takes effect.
    const next = this.releaseQueue.values().next();
    if (!next.done && this.released < this.deps.window.size) {
      this.releaseQueue.delete(next.value);
      this.markReleased(next.value);
    }
    if (error !== undefined) this.failure ??= error;
    if (outcome === 'aborted') {
      // Not done: it and everything after it are left for the next reader.
      this.stopping = true;
      this.furthestStarted = Math.min(this.furthestStarted, index);
    } else {
      this.done[index] = true;
      while (this.prefix < this.records.length && this.done[this.prefix]) this.prefix++;
      this.maybeCheckpoint();
    }
    this.schedule();
  }

  /** Tells the window how long a record held its slot (until released, or until it finished). */
  private observeSlotHeld(index: number): void {
    this.deps.window.observe(this.deps.clock.now() - this.startedAt[index]);
  }

  /** Moves the checkpoint mid-page at most every `checkpointIntervalMs`, one write at a time. */
  private maybeCheckpoint(): void {
    if (this.checkpointing || this.prefix === this.checkpointed || this.prefix === this.records.length) return;
    if (this.deps.clock.now() - this.lastCheckpointAt < this.deps.checkpointIntervalMs) return;
    this.checkpointing = this.checkpointPrefix()
      .catch((error: unknown) => {
        // A lost lease: start nothing more; the running records finish, then run() throws.
        this.failure ??= error;
      })
      .finally(() => (this.checkpointing = undefined));
  }

  private async checkpointPrefix(): Promise<void> {
    await this.checkpointing;
    if (this.failure !== undefined) throw this.failure;
    if (this.prefix === this.checkpointed) return;
    const upTo = this.prefix;
    const last = this.records[upTo - 1];
    await this.deps.checkpoint(formatPosition(positionAfter(last)), last.ApproximateArrivalTimestamp?.getTime());
    this.checkpointed = Math.max(this.checkpointed, upTo);
    this.lastCheckpointAt = this.deps.clock.now();
  }
}
