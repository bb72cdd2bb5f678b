import { Backoff, type BackoffOptions } from './backoff';
import { DeadlineExceededError, OutcomeUnknownError, QueueFullError, SaturatedError } from './group-commit.errors';
import { ThrottleWindow, type SheddingOptions } from './throttle-window';

/** What one batch call says about each of its items, in order. */
export type ItemOutcome<R> =
  | { ok: true; result: R }
  /** Not done; `retryable` decides between another attempt and giving up at once. */
  | { ok: false; error: unknown; retryable: boolean };

/**
 * Sends one batch. Resolves with one outcome per item (partial failures); throws when the
 * call failed as a whole, and `isRetryable` then decides for every item of the batch.
 */
export type BatchCall<T, R> = (items: readonly T[], signal: AbortSignal) => Promise<ItemOutcome<R>[]>;

/** Options of {@link GroupCommitQueue}. */
export interface GroupCommitOptions<T, R> {
  call: BatchCall<T, R>;
  /** Whether a call that threw may succeed when tried again (throttling, 5xx, network). */
  isRetryable: (error: unknown) => boolean;
  /**
   * Whether an error (of a whole call or of one item) means the service refused for capacity.
   * Given, the queue sheds load: while most attempts of the last second were throttled and
   * throttled items wait to be retried, `submit` rejects at once with {@link SaturatedError}
   * instead of queuing an item that could only wait behind them until its deadline.
   */
  isThrottled?: (error: unknown) => boolean;
  /**
   * Whether a whole call went unanswered (no connection, a timeout, a 5xx): the service is down.
   * Given, such attempts count toward shedding as refusals do, so while the service is down new
   * items are refused at once and the items already held keep retrying, which probes it; the
   * first of them to get through reopens admission (a circuit breaker with its probes built in).
   */
  isUnavailable?: (error: unknown) => boolean;
  /**
   * Whether a call that threw may have done its work all the same (a timeout, a lost
   * connection, a 5xx: the answer was lost, not necessarily the request). An item given up
   * after such an attempt rejects with {@link OutcomeUnknownError}, as does an item whose
   * deadline passes while its call is in flight. Default: every thrown call may have.
   */
  mayHaveTakenEffect?: (error: unknown) => boolean;
  /** When shedding starts (see {@link SheddingOptions}); `false` never sheds. */
  shedding?: SheddingOptions | false;
  /** Items per call (the service limit). */
  maxBatchItems: number;
  /** Bytes per call (the service limit); every item must fit alone. */
  maxBatchBytes: number;
  /** Calls in flight at once. Default 4. */
  maxInFlight?: number;
  /**
   * How long an item may wait for companions while other calls are in flight, in ms. With
   * nothing in flight an item is sent at once, whatever this says. Default 5.
   */
  maxLingerMs?: number;
  /** How long an item may take, retries included, before it rejects, in ms. Default 5000. */
  deadlineMs?: number;
  /** A call not answered after this long is abandoned (aborted) and its items retried. Default 2000. */
  requestTimeoutMs?: number;
  /** Items held (queued, in flight or waiting to retry) before `submit` refuses. Default 10,000. */
  maxQueuedItems?: number;
  /** Bytes held before `submit` refuses. Default 64 MiB. */
  maxQueuedBytes?: number;
  /**
   * Keep the order of items with the same key (`submit`'s `orderKey`): at most one of them is in
   * flight or waiting to retry at a time, so a retry can never fall behind a later item.
   */
  ordered?: boolean;
  /** Retry delays: capped exponential with full jitter. Default 50 ms doubling up to 1 s. */
  backoff?: Omit<BackoffOptions, 'jitter'>;
  /** Source of randomness for the jitter (tests make it deterministic). */
  random?: () => number;
}

/** Counters since start, for logs, metrics and benchmarks. */
export interface GroupCommitStats {
  /** Items accepted into the queue. */
  accepted: number;
  /** Items done. */
  delivered: number;
  /** Items that rejected after being queued (deadline or permanent error). */
  failed: number;
  /** Items refused at once because the queue was full. */
  refused: number;
  /** Items refused at once because the service was saturated (see `isThrottled`). */
  shed: number;
  /** Item attempts the service refused for capacity. */
  throttled: number;
  /** Items sent again after a failure. */
  retried: number;
  /** Calls made, and those that failed as a whole. */
  requests: number;
  failedRequests: number;
}

type ItemState = 'blocked' | 'queued' | 'in-flight' | 'waiting' | 'done';

/** One item on its way, from `submit` until it is done or given up. */
interface PendingItem<T, R> {
  readonly item: T;
  readonly bytes: number;
  readonly orderKey: string | undefined;
  state: ItemState;
  /** The promise was settled; the item may still be in flight (its outcome is then ignored). */
  settled: boolean;
  attempts: number;
  /** When it last joined the ready queue (for the linger). */
  readyAt: number;
  /** The service throttled it at least once (it counts in `throttledHeld` until done). */
  throttled: boolean;
  /** A call carrying it went unanswered: the service may hold it although the item is given up. */
  maybeApplied: boolean;
  lastError?: unknown;
  deadlineTimer?: NodeJS.Timeout;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit with retries, the core of a producer library (the Kinesis Producer Library's,
 * DynamoDB's BatchWriteItem loops), behind a one-item-at-a-time `submit`:
 *
 * - **group commit**: with nothing in flight an item is sent at once (no added latency); while
 *   calls are in flight, new items gather into the next call, which leaves when a slot frees
 *   up, when it is full, or after `maxLingerMs`;
 * - **retries**: items a call refused, and every item of a call that failed as a whole, are
 *   sent again — only those — after a capped exponential delay with full jitter, until the
 *   item's deadline ({@link DeadlineExceededError}); a permanent error rejects at once;
 * - **bounded memory**: at most `maxQueuedItems` / `maxQueuedBytes` are held; beyond that
 *   `submit` rejects at once with {@link QueueFullError};
 * - **order**: items may be reordered (parallel calls, retries landing late) unless `ordered`.
 *
 * `submit` resolves only once the call reported the item done.
 */
export class GroupCommitQueue<T, R> {
  private readonly call: BatchCall<T, R>;
  private readonly isRetryable: (error: unknown) => boolean;
  private readonly maxBatchItems: number;
  private readonly maxBatchBytes: number;
  private readonly maxInFlight: number;
  private readonly maxLingerMs: number;
  private readonly deadlineMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxQueuedItems: number;
  private readonly maxQueuedBytes: number;
  private readonly ordered: boolean;
  private readonly backoff: Backoff;
  private readonly isThrottled: ((error: unknown) => boolean) | undefined;
  private readonly isUnavailable: ((error: unknown) => boolean) | undefined;
  private readonly mayHaveTakenEffect: (error: unknown) => boolean;
  /** Undefined when the queue never sheds. */
  private readonly throttleWindow: ThrottleWindow | undefined;
  /** Items held that the service throttled at least once. */
  private throttledHeld = 0;

  /** Items ready to go, oldest first. */
  private ready: Array<PendingItem<T, R>> = [];
  private readyBytes = 0;
  /** Ordered mode: items waiting behind the one of their key that is under way. */
  private readonly blockedByKey = new Map<string, Array<PendingItem<T, R>>>();
  private inFlight = 0;
  private held = { items: 0, bytes: 0 };
  private lingerTimer?: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];
  private readonly counters: GroupCommitStats = {
    accepted: 0,
    delivered: 0,
    failed: 0,
    refused: 0,
    shed: 0,
    throttled: 0,
    retried: 0,
    requests: 0,
    failedRequests: 0,
  };

  constructor(options: GroupCommitOptions<T, R>) {
    this.call = options.call;
    this.isRetryable = options.isRetryable;
    this.maxBatchItems = within(options.maxBatchItems, 1, 100_000, 'maxBatchItems');
    this.maxBatchBytes = within(options.maxBatchBytes, 1, Number.MAX_SAFE_INTEGER, 'maxBatchBytes');
    this.maxInFlight = within(options.maxInFlight ?? 4, 1, 1000, 'maxInFlight');
    this.maxLingerMs = within(options.maxLingerMs ?? 5, 0, 60_000, 'maxLingerMs');
    this.deadlineMs = within(options.deadlineMs ?? 5_000, 1, 15 * 60_000, 'deadlineMs');
    this.requestTimeoutMs = within(options.requestTimeoutMs ?? 2_000, 1, 15 * 60_000, 'requestTimeoutMs');
    this.maxQueuedItems = within(options.maxQueuedItems ?? 10_000, 1, Number.MAX_SAFE_INTEGER, 'maxQueuedItems');
    this.maxQueuedBytes = within(options.maxQueuedBytes ?? 64 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER, 'maxQueuedBytes');
    this.ordered = options.ordered ?? false;
    this.backoff = new Backoff({ initialMs: 50, maxMs: 1_000, ...options.backoff, jitter: 'full' }, options.random);
    this.isThrottled = options.isThrottled;
    this.isUnavailable = options.isUnavailable;
    this.mayHaveTakenEffect = options.mayHaveTakenEffect ?? (() => true);
    this.throttleWindow =
      (options.isThrottled || options.isUnavailable) && options.shedding !== false ? new ThrottleWindow(options.shedding || {}) : undefined;
  }

  /**
   * The service refuses most attempts for capacity and refused items wait to be retried: new
   * items are refused at once ({@link SaturatedError}). Clears once the waiting items are
   * through (or given up), or once throttling stops being most of what the service answers.
   */
  get saturated(): boolean {
    return this.throttledHeld > 0 && this.throttleWindow !== undefined && this.throttleWindow.saturated;
  }

  get stats(): Readonly<GroupCommitStats> & { held: { items: number; bytes: number }; inFlight: number } {
    return { ...this.counters, held: { ...this.held }, inFlight: this.inFlight };
  }

  /**
   * @param bytes what the item weighs in a call (for the batch and queue limits)
   * @param orderKey ordered mode: items with the same key are done in submission order
   */
  submit(item: T, bytes: number, orderKey?: string): Promise<R> {
    if (this.held.items + 1 > this.maxQueuedItems || this.held.bytes + bytes > this.maxQueuedBytes) {
      this.counters.refused++;
      const limit = this.held.items + 1 > this.maxQueuedItems ? 'items' : 'bytes';
      return Promise.reject(new QueueFullError(limit, { ...this.held }));
    }
    if (this.saturated) {
      this.counters.shed++;
      return Promise.reject(new SaturatedError(this.throttledHeld));
    }
    return new Promise<R>((resolve, reject) => {
      const pending: PendingItem<T, R> = {
        item,
        bytes,
        orderKey: this.ordered ? orderKey : undefined,
        state: 'queued',
        settled: false,
        attempts: 0,
        readyAt: Date.now(),
        throttled: false,
        maybeApplied: false,
        resolve,
        reject,
      };
      pending.deadlineTimer = setTimeout(() => this.expire(pending), this.deadlineMs);
      this.held.items++;
      this.held.bytes += bytes;
      this.counters.accepted++;
      if (this.claimKey(pending) === 'behind') {
        pending.state = 'blocked';
        return;
      }
      this.enqueue(pending);
      this.pump();
    });
  }

  /** Resolves once every item submitted so far is done or given up. */
  flush(): Promise<void> {
    if (this.held.items === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ordered mode: the first item of a key goes ahead; later ones wait behind it. */
  private claimKey(pending: PendingItem<T, R>): 'ahead' | 'behind' {
    if (pending.orderKey === undefined) return 'ahead';
    const waiting = this.blockedByKey.get(pending.orderKey);
    if (waiting === undefined) {
      this.blockedByKey.set(pending.orderKey, []);
      return 'ahead';
    }
    waiting.push(pending);
    return 'behind';
  }

  /** Ordered mode: the key's item is no longer under way; the next one of that key may go. */
  private releaseKey(key: string | undefined): void {
    if (key === undefined) return;
    const waiting = this.blockedByKey.get(key);
    if (waiting === undefined) return;
    const next = waiting.shift();
    if (next === undefined) {
      this.blockedByKey.delete(key);
      return;
    }
    this.enqueue(next);
  }

  private enqueue(pending: PendingItem<T, R>, atFront = false): void {
    pending.state = 'queued';
    pending.readyAt = Date.now();
    if (atFront) this.ready.unshift(pending);
    else this.ready.push(pending);
    this.readyBytes += pending.bytes;
  }

  /** Sends what is ready while slots are free; under load, lets a call fill up for a moment. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.ready.length > 0) {
      if (this.inFlight > 0 && !this.batchIsFull()) {
        const lingerLeft = this.ready[0].readyAt + this.maxLingerMs - Date.now();
        if (lingerLeft > 0) {
          this.lingerTimer ??= setTimeout(() => {
            this.lingerTimer = undefined;
            this.pump();
          }, lingerLeft);
          return;
        }
      }
      void this.dispatch(this.takeBatch());
    }
  }

  private batchIsFull(): boolean {
    return this.ready.length >= this.maxBatchItems || this.readyBytes >= this.maxBatchBytes;
  }

  private takeBatch(): Array<PendingItem<T, R>> {
    let count = 0;
    let bytes = 0;
    while (count < this.ready.length && count < this.maxBatchItems) {
      const next = this.ready[count].bytes;
      if (count > 0 && bytes + next > this.maxBatchBytes) break;
      bytes += next;
      count++;
    }
    this.readyBytes -= bytes;
    return this.ready.splice(0, count);
  }

  private async dispatch(batch: Array<PendingItem<T, R>>): Promise<void> {
    this.inFlight++;
    this.counters.requests++;
    for (const pending of batch) {
      pending.state = 'in-flight';
      pending.attempts++;
    }
    try {
      const outcomes = await this.call(
        batch.map((p) => p.item),
        AbortSignal.timeout(this.requestTimeoutMs),
      );
      let throttled = 0;
      batch.forEach((pending, i) => {
        const outcome = outcomes[i] ?? { ok: false, error: new Error('no outcome for this item'), retryable: true };
        if (outcome.ok) return this.deliver(pending, outcome.result);
        if (this.noteThrottle(pending, outcome.error)) throttled++;
        this.retryOrGiveUp(pending, outcome.error, outcome.retryable);
      });
      this.throttleWindow?.record(batch.length, throttled);
    } catch (error) {
      this.counters.failedRequests++;
      const retryable = this.isRetryable(error);
      const maybeApplied = this.mayHaveTakenEffect(error);
      let throttled = 0;
      for (const pending of batch) {
        if (maybeApplied) pending.maybeApplied = true;
        if (this.noteThrottle(pending, error)) throttled++;
        this.retryOrGiveUp(pending, error, retryable);
      }
      this.throttleWindow?.record(batch.length, throttled);
    } finally {
      this.inFlight--;
      this.pump();
      this.notifyIfIdle();
    }
  }

  /** Counts a refusal for capacity or an unanswered call (see `isUnavailable`); returns whether it was one. */
  private noteThrottle(pending: PendingItem<T, R>, error: unknown): boolean {
    const refused = this.isThrottled?.(error) === true;
    if (!refused && this.isUnavailable?.(error) !== true) return false;
    if (refused) this.counters.throttled++;
    if (!pending.throttled && pending.state !== 'done') {
      pending.throttled = true;
      this.throttledHeld++;
    }
    return true;
  }

  private deliver(pending: PendingItem<T, R>, result: R): void {
    this.finish(pending);
    if (pending.settled) return;
    pending.settled = true;
    this.counters.delivered++;
    pending.resolve(result);
  }

  private retryOrGiveUp(pending: PendingItem<T, R>, error: unknown, retryable: boolean): void {
    pending.lastError = error;
    if (pending.settled) return this.finish(pending);
    if (!retryable) return this.giveUp(pending, error);
    // No check against the deadline here: its own timer rejects the item if the delay outlasts it.
    const delay = this.backoff.delay(pending.attempts);
    this.counters.retried++;
    pending.state = 'waiting';
    setTimeout(() => {
      if (pending.state !== 'waiting') return;
      // Back at the front: a retried item has waited longest.
      this.enqueue(pending, true);
      this.pump();
    }, delay);
  }

  /** The deadline passed: reject now; a call still in flight for it finishes unobserved. */
  private expire(pending: PendingItem<T, R>): void {
    if (pending.settled) return;
    pending.settled = true;
    this.counters.failed++;
    // Its call may still be answered "done" after this rejection: as unsure as a lost answer.
    if (pending.state === 'in-flight') pending.maybeApplied = true;
    pending.reject(this.rejection(pending, new DeadlineExceededError(this.deadlineMs, pending.attempts, { cause: pending.lastError })));
    switch (pending.state) {
      case 'queued':
        this.ready.splice(this.ready.indexOf(pending), 1);
        this.readyBytes -= pending.bytes;
        break;
      case 'blocked': {
        const waiting = this.blockedByKey.get(pending.orderKey!) ?? [];
        waiting.splice(waiting.indexOf(pending), 1);
        break;
      }
      case 'in-flight':
        // Released when its call answers, so memory and key order stay accounted for.
        return;
    }
    this.finish(pending);
    this.pump();
  }

  private giveUp(pending: PendingItem<T, R>, error: unknown): void {
    this.finish(pending);
    pending.settled = true;
    this.counters.failed++;
    pending.reject(this.rejection(pending, error));
  }

  /** What a given-up item rejects with: unsure when any of its calls went unanswered. */
  private rejection(pending: PendingItem<T, R>, error: unknown): unknown {
    return pending.maybeApplied ? new OutcomeUnknownError({ cause: error }) : error;
  }

  /** The item is no longer under way: free its memory and, in ordered mode, its key. */
  private finish(pending: PendingItem<T, R>): void {
    if (pending.state === 'done') return;
    const wasUnderWay = pending.state !== 'blocked';
    pending.state = 'done';
    if (pending.throttled) this.throttledHeld--;
    clearTimeout(pending.deadlineTimer);
    this.held.items--;
    this.held.bytes -= pending.bytes;
    if (wasUnderWay) this.releaseKey(pending.orderKey);
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.held.items > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function within(value: number, min: number, max: number, name: string): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}
