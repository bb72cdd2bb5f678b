/** What the page tells a person when a request fails, and what it offers to do about it. */
export interface Problem {
  message: string;
  /** `retry`: a Retry button makes sense; `sign-in`: only signing in again helps; `none`: nothing will. */
  remedy: 'retry' | 'sign-in' | 'none';
  /** From `Retry-After`, when the server said how long to wait. */
  retryAfterSeconds?: number;
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * Plain words for an HTTP failure. `status` 0 is a request that got no answer at all
 * (network down, or the server closed the connection, which is how an over-size upload ends).
 */
export function describeHttpProblem(
  status: number,
  options: { action: string; retryAfter?: number; maxBytes?: number } = { action: 'The request' },
): Problem {
  const { action, retryAfter } = options;
  const wait = retryAfter === undefined ? 'in a moment' : `in ${retryAfter} second${retryAfter === 1 ? '' : 's'}`;
  switch (status) {
    case 0:
      return { message: `${action} got no answer: the connection was lost. Check your connection and try again.`, remedy: 'retry' };
    case 401:
      return { message: 'Your sign-in has expired or was not accepted. Please sign in again.', remedy: 'sign-in' };
    case 404:
      return { message: `${action} failed: the server does not know this upload (or it is not yours).`, remedy: 'none' };
    case 413:
      return {
        message:
          options.maxBytes === undefined
            ? 'This file is too large for the server.'
            : `This file is too large: the limit is ${formatBytes(options.maxBytes)} per file.`,
        remedy: 'none',
      };
    case 429:
      return { message: `Too many requests right now. Try again ${wait}.`, remedy: 'retry', retryAfterSeconds: retryAfter };
    case 503:
      return {
        message: `The upload service is busy or briefly unavailable. Try again ${wait}.`,
        remedy: 'retry',
        retryAfterSeconds: retryAfter,
      };
    default:
      if (status >= 500) return { message: `${action} failed on the server (error ${status}). Try again later.`, remedy: 'retry' };
      return { message: `${action} was refused (error ${status}).`, remedy: 'none' };
  }
}
