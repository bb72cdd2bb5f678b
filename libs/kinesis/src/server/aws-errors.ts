const nameOf = (error: unknown): string | undefined => (error as { name?: string } | null)?.name;

/** GetRecords' iterator is older than five minutes: get a new one from the checkpoint. */
export function isExpiredIterator(error: unknown): boolean {
  return nameOf(error) === 'ExpiredIteratorException';
}

/** The stream or table does not exist: a set-up error, not an outage. */
export function isMissingResource(error: unknown): boolean {
  return nameOf(error) === 'ResourceNotFoundException';
}

/** A short, log-safe description of anything thrown (handlers may throw non-errors). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
