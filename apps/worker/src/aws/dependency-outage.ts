import { classifyAwsError } from '@lib/aws';
import { DeadlineExceededError, OutcomeUnknownError, QueueFullError } from '@lib/group-commit';
import { KinesisPoisonRecordException, KinesisRetriableException } from '@lib/kinesis';

/**
 * Whether an error from an S3 or DynamoDB call is the dependency's trouble rather than the
 * record's: throttling, 5xx, network failures and timeouts, and what an operator fixes (a
 * missing bucket or table, denied access). Answers about the record's own object and
 * malformed requests are not: waiting would stall the shard for nothing.
 */
export function isDependencyOutage(error: unknown): boolean {
  // A batched write retried until its deadline (throttling, outage; unsure whether it landed:
  // writes are idempotent, so retrying is right either way), or a full write queue.
  if (error instanceof DeadlineExceededError || error instanceof OutcomeUnknownError || error instanceof QueueFullError) return true;
  const kind = classifyAwsError(error);
  return kind === 'throttled' || kind === 'unavailable' || kind === 'operator';
}

/**
 * Runs one call to S3 or DynamoDB on behalf of a record and says what its failure means to
 * the transport, by the shared classification of `@lib/aws`:
 * - an outage (throttling, no answer, 5xx) or something an operator must fix (a missing
 *   bucket or table, denied access) becomes a {@link KinesisRetriableException}: the record
 *   is kept and retried for as long as it lasts, never blamed;
 * - an answer about the record's own object that no retry changes (`NoSuchKey`, a failed
 *   precondition, a range past its end) becomes a {@link KinesisPoisonRecordException}: the
 *   record is dead-lettered at once with the reason, and the shard moves on;
 * - anything else (a malformed request, a bug) is rethrown: it spends the record's attempts.
 *
 * A handler that expects an answer (a HEAD that may find nothing) catches it inside `call`.
 */
export async function callDependency<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (isDependencyOutage(error)) {
      throw new KinesisRetriableException(`${operation} failed (dependency outage): ${reason}`);
    }
    if (classifyAwsError(error) === 'object') {
      throw new KinesisPoisonRecordException(`${operation} failed, and no retry will change it: ${reason}`, { cause: error });
    }
    throw error;
  }
}
