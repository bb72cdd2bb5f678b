import { httpStatusOf, isNetworkError, isThrottlingError } from '@lib/aws';
import { DeadlineExceededError, QueueFullError } from '@lib/group-commit';
import { KinesisRetriableException } from '@lib/kinesis';

/** Statuses that say the request itself is wrong: retrying the same request cannot help. */
const REQUEST_FAULTS = new Set([400, 411, 413, 414]);

/**
 * Whether an error from an S3 or DynamoDB call is the dependency's trouble rather than the
 * request's: throttling, 5xx, network failures and timeouts, and access or missing-resource
 * errors (an operator fixes those; the record is not at fault). An error with no HTTP
 * status that is not a known network failure is treated as a bug in the request, so it
 * spends the record's attempts instead of stalling the shard forever.
 */
export function isDependencyOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // A batched write retried until its deadline (throttling, outage), or a full write queue.
  if (error instanceof DeadlineExceededError || error instanceof QueueFullError) return true;
  if (isThrottlingError(error)) return true;
  const status = httpStatusOf(error);
  if (status !== undefined) return !REQUEST_FAULTS.has(status);
  return isNetworkError(error);
}

/**
 * Runs one call to S3 or DynamoDB, turning an outage into a {@link KinesisRetriableException}
 * so the transport keeps the record (no checkpoint) and retries it after the outage instead
 * of spending its attempts and dead-lettering a record that was never at fault.
 */
export async function callDependency<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isDependencyOutage(error)) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new KinesisRetriableException(`${operation} failed (dependency outage): ${reason}`);
  }
}
