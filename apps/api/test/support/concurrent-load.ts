/**
 * Runs `task(n)` for n = 0, 1, 2, ... with at most `concurrency` of them under way, like a
 * fleet of clients each sending its next request as soon as the last one was answered.
 * It stops after `limit` tasks, or when `stop()` is called (tasks under way still finish).
 * `results` fills as tasks finish, so a test can watch it while the load runs.
 */
export class ConcurrentLoad<T> {
  readonly results: T[] = [];
  /** Resolves with every result once the last task has finished. */
  readonly finished: Promise<T[]>;
  private started = 0;
  private stopped = false;

  constructor(
    concurrency: number,
    private readonly task: (n: number) => Promise<T>,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {
    this.finished = Promise.all(Array.from({ length: concurrency }, () => this.client())).then(() => this.results);
  }

  stop(): Promise<T[]> {
    this.stopped = true;
    return this.finished;
  }

  private async client(): Promise<void> {
    while (!this.stopped && this.started < this.limit) {
      const n = this.started++;
      this.results.push(await this.task(n));
    }
  }
}
