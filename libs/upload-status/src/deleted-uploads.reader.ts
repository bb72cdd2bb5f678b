import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isTransientAwsError } from '@lib/aws';
import { GroupCommitQueue, type ItemOutcome } from '@lib/group-commit';
import { UPLOAD_STATUS_TABLE } from './upload-status.repository';

/** What one `BatchGetItem` call may ask for (a DynamoDB service limit). */
const BATCH_GET_MAX_KEYS = 100;
/** A key is an upload id: far below any byte limit; only the item count matters. */
const KEY_BYTES = 64;

/**
 * Whether uploads are deleted, by consistent reads gathered into `BatchGetItem` calls (group
 * commit: one call carries every question asked while the previous one was in flight). A
 * worker asks this for every upload it is about to store: one read per record would cost a
 * DynamoDB round trip and its CPU each; batched, a busy worker pays one call per batch.
 * `ConsistentRead` as `GetItem` with it: a deletion acknowledged before the call is seen.
 */
@Injectable()
export class DeletedUploadsReader implements OnApplicationShutdown {
  private readonly queue: GroupCommitQueue<string, boolean>;

  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    @Inject(UPLOAD_STATUS_TABLE) private readonly tableName: string,
  ) {
    this.queue = new GroupCommitQueue({
      maxBatchItems: BATCH_GET_MAX_KEYS,
      maxBatchBytes: BATCH_GET_MAX_KEYS * KEY_BYTES,
      // A read is sent at once when none is in flight; while one is, the next waits up to 2 ms
      // for companions (a shard's records arrive together): a little latency for far fewer calls.
      maxLingerMs: 2,
      deadlineMs: 10_000,
      call: (ids, signal) => this.batchGet(ids, signal),
      isRetryable: isTransientAwsError,
    });
  }

  /** Resolves true when the upload's own item is the `deleted` tombstone. */
  isDeleted(id: string): Promise<boolean> {
    return this.queue.submit(id, KEY_BYTES);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.flush();
  }

  private async batchGet(ids: readonly string[], signal: AbortSignal): Promise<Array<ItemOutcome<boolean>>> {
    // BatchGetItem refuses a key asked twice: the same upload delivered twice at once is one key.
    const keys = [...new Set(ids)].map((id) => ({ id }));
    const output = await this.dynamodb.send(
      new BatchGetCommand({
        RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'id, #status', ExpressionAttributeNames: { '#status': 'status' } } },
      }),
      { abortSignal: signal },
    );
    const statuses = new Map((output.Responses?.[this.tableName] ?? []).map((item) => [item.id as string, item.status as string]));
    // Keys DynamoDB did not get to (throttling, size): asked again, as BatchGetItem's contract wants.
    const unprocessed = new Set((output.UnprocessedKeys?.[this.tableName]?.Keys ?? []).map((key) => key.id as string));
    return ids.map((id) =>
      unprocessed.has(id)
        ? { ok: false, error: new Error(`BatchGetItem left ${id} unprocessed`), retryable: true }
        : { ok: true, result: statuses.get(id) === 'deleted' },
    );
  }
}
