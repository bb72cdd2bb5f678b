/**
 * Why an item handed to a {@link GroupCommitQueue} did not get through. A caller that must not
 * acknowledge anything unsure (an api answering 202) turns either into "try again later".
 */

/** The queue holds as many items or bytes as it may: refused before queuing. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';

  constructor(
    readonly limit: 'items' | 'bytes',
    readonly held: { items: number; bytes: number },
  ) {
    super(`the queue is full (${held.items} items, ${held.bytes} bytes held; limit on ${limit})`);
  }
}

/** The item's attempts did not succeed within its deadline. The last failure is `cause`. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';

  constructor(
    readonly deadlineMs: number,
    readonly attempts: number,
    options: { cause?: unknown } = {},
  ) {
    super(`not done within ${deadlineMs} ms (${attempts} attempts)`, options);
  }
}

/**
 * Refused before queuing: the service refused most of what it was sent lately for capacity
 * (throttled) and items it refused are still waiting to be retried, so a new item could only
 * wait behind them until its deadline.
 */
export class SaturatedError extends Error {
  override readonly name = 'SaturatedError';

  constructor(readonly throttledHeld: number) {
    super(`the service is throttling most calls; ${throttledHeld} throttled items are waiting to be retried`);
  }
}

/**
 * The item was given up, but one of its calls went unanswered (timed out, lost its
 * connection, got a 5xx; see `mayHaveTakenEffect`), so the service may have applied it all
 * the same. A caller must treat it as "may be done", not as "not done": an api keeps the id
 * it would otherwise forget. `cause` is why it was given up (often a
 * {@link DeadlineExceededError}).
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';

  constructor(options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : String(options.cause);
    super(`given up, but an earlier attempt may have taken effect (${reason})`, options);
  }
}
