/** `waitFor` ran out of time; the message names what was awaited and the last outcome. */
export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';

  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly lastOutcome: { error: unknown } | { value: unknown } | undefined,
  ) {
    super(`Timed out after ${timeoutMs} ms waiting for ${description}; ${describeOutcome(lastOutcome)}`);
  }
}

export interface WaitForOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** Pause between attempts; default 50 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("upload abc to be stored"). */
  description?: string;
}

/**
 * Polls `fn` until it returns a truthy value (resolved if it is a promise), and returns that
 * value. A throw counts as "not yet". On timeout, throws a {@link WaitForTimeoutError} that
 * names the description and the last error or value, so a failing test says what it saw.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50, description = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { error: unknown } | { value: unknown } | undefined;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new WaitForTimeoutError(description, timeoutMs, last);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
}

function describeOutcome(outcome: { error: unknown } | { value: unknown } | undefined): string {
  if (outcome === undefined) return 'it never completed';
  if ('error' in outcome) {
    const error = outcome.error as Error;
    return `last error: ${error?.name ?? 'Error'}: ${error?.message ?? String(outcome.error)}`;
  }
  return `last value: ${short(outcome.value)}`;
}

function short(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
