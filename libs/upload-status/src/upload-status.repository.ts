import { Inject, Injectable } from '@nestjs/common';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  completionKeyOf,
  pendingItemOf,
  pendingKeyOf,
  recordOfPendingItem,
  STATUS_RANK,
  type PendingUploadItem,
  type UploadFacts,
  type UploadRecord,
  type UploadStatus,
  type UploadFailureCode,
  UPLOAD_FAILURE_MESSAGES,
} from './upload-record';
import { appliedUnlessConditionFails } from './conditional-write';

export const UPLOAD_STATUS_TABLE = Symbol('UPLOAD_STATUS_TABLE');

/**
 * The `file-uploads` table, shared by every api instance and every worker. The worker writes
 * an upload's own item (`stored`, `failed`, `deleted`), each write the whole record, the
 * condition on `status_rank` keeping a status from moving backwards. The api's `pending` lives
 * in an item of its own (`pending#<id>`, see `PENDING_KEY_PREFIX`), which a reader sees only
 * while the upload's own item does not exist yet; the worker removes it (and the presigned
 * flow's `completion#<id>`) only when the upload is deleted.
 */
@Injectable()
export class UploadStatusRepository {
  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    @Inject(UPLOAD_STATUS_TABLE) private readonly tableName: string,
  ) {}

  /**
   * `stored`, conditional like every write of the upload's own item: over nothing, `pending`
   * or `failed`, never over a `deleted` tombstone (nor a `stored` already there, which makes a
   * redelivery's write report false).
   * @returns false when the item already holds `stored` or `deleted`.
   */
  recordStored(facts: UploadFacts): Promise<boolean> {
    return this.write(facts, 'stored');
  }

  /** `failed`, with the code and its message for the owner (`UPLOAD_FAILURE_MESSAGES`). */
  recordFailed(facts: UploadFacts, code: UploadFailureCode): Promise<boolean> {
    return this.write(facts, 'failed', code);
  }

  /**
   * Removes the pending item of an upload whose event never reached the stream (the client got
   * a 503), so the upload does not look accepted. Only the request that wrote it removes it: a
   * second `complete` of the same presigned upload that did get its event in keeps its own.
   * The upload's own item is left alone: if the event did land after all (a timed-out call
   * Kinesis applied), the worker's `stored` stands.
   * @returns false when there was no pending item of this writer to remove.
   */
  async withdrawPending(id: string, writtenBy: string): Promise<boolean> {
    return appliedUnlessConditionFails(
      this.dynamodb.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: pendingKeyOf(id) },
          ConditionExpression: 'written_by = :writer',
          ExpressionAttributeValues: { ':writer': writtenBy },
        }),
      ),
    );
  }

  /**
   * Keeps the pending item of an upload whose event the api gave up on without knowing whether
   * Kinesis wrote it, marked unconfirmed (see `PendingUploadItem.unconfirmed_since`): the
   * client got a 503 with the id, and readers tell the truth once the worker has (or has not)
   * stored it. Written whole (the api may only put items), over this writer's own pending item
   * or where none landed; another request's pending item of the same upload is left alone.
   * @returns false when another writer's pending item is there.
   */
  async recordUnconfirmed(facts: UploadFacts, writtenBy: string, now = Date.now()): Promise<boolean> {
    const item: PendingUploadItem = { ...pendingItemOf(facts, writtenBy, now), unconfirmed_since: new Date(now).toISOString() };
    return appliedUnlessConditionFails(
      this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(id) OR written_by = :writer',
          ExpressionAttributeValues: { ':writer': writtenBy },
        }),
      ),
    );
  }

  /**
   * Turns an upload, as read with {@link find}, into a `deleted` tombstone: the highest
   * status, so no later write of another status brings it back. Written even when the upload's
   * own item does not exist yet (only the api's pending item does: the worker has not handled
   * the upload), from the pending item's facts, so that the upload event, whenever it is
   * handled, finds the tombstone. The client-chosen file name goes with the file. A conditional
   * put of the whole item (an upload's facts never change): never over another owner's item.
   * @returns false when the item is another owner's or is deleted already.
   */
  async recordDeleted(upload: UploadRecord): Promise<boolean> {
    const { original_name: _name, failure_code: _code, failure_reason: _reason, ...facts } = upload;
    return appliedUnlessConditionFails(
      this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...facts, status: 'deleted', status_rank: STATUS_RANK.deleted, updated_at: new Date().toISOString() } satisfies UploadRecord,
          ConditionExpression: 'attribute_not_exists(id) OR (owner_sub = :owner AND status_rank < :rank)',
          ExpressionAttributeValues: { ':owner': upload.owner_sub, ':rank': STATUS_RANK.deleted },
        }),
      ),
    );
  }

  /**
   * Removes what the api keeps of an upload besides its own item: the pending item (which
   * holds the client's file name) and the presigned flow's completion marker. Only for a
   * deleted upload: once the tombstone exists, neither is read again.
   */
  async removeApiItems(id: string): Promise<void> {
    await Promise.all(
      [pendingKeyOf(id), completionKeyOf(id)].map((key) => this.dynamodb.send(new DeleteCommand({ TableName: this.tableName, Key: { id: key } }))),
    );
  }

  /**
   * Whether the upload's own item is the `deleted` tombstone, by a consistent read (a write
   * acknowledged anywhere is seen). The pending item never says so: it is not read.
   */
  async isDeleted(id: string): Promise<boolean> {
    return (await this.get<UploadRecord>(id))?.status === 'deleted';
  }

  /**
   * The upload's own item when the worker has written one, else the api's pending item (as a
   * `pending` record of the upload, or `failed` once an unconfirmed upload has waited too long:
   * see `recordOfPendingItem`), else undefined. The second read happens only while an upload
   * is pending.
   */
  async find(id: string, now = Date.now()): Promise<UploadRecord | undefined> {
    const own = await this.get<UploadRecord>(id);
    if (own !== undefined) return own;
    const pending = await this.get<PendingUploadItem>(pendingKeyOf(id));
    return pending === undefined ? undefined : recordOfPendingItem(pending, id, now);
  }

  private async get<T>(id: string): Promise<T | undefined> {
    const { Item } = await this.dynamodb.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return Item as T | undefined;
  }

  /** @returns false when the item already holds this status or a later one. */
  private async write(facts: UploadFacts, status: UploadStatus, failure?: UploadFailureCode): Promise<boolean> {
    const item: UploadRecord = {
      ...facts,
      status,
      status_rank: STATUS_RANK[status],
      updated_at: new Date().toISOString(),
      ...(failure === undefined ? {} : { failure_code: failure, failure_reason: UPLOAD_FAILURE_MESSAGES[failure] }),
    };
    return appliedUnlessConditionFails(
      this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(id) OR status_rank < :rank',
          ExpressionAttributeValues: { ':rank': item.status_rank },
        }),
      ),
    );
  }
}
